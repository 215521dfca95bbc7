import type { AuthDeps } from "./deps";
import type { AuditDetail, AuditEvent, AuditEventType, ClientInfo } from "./types";

type AuditorDeps = Pick<AuthDeps, "audit" | "clock" | "newId" | "logger">;

export interface AuditFacts {
  userId?: string | null;
  sessionId?: string | null;
  detail?: AuditDetail;
}

/**
 * Writes audit events for the services. An audit write happens after the action it records has
 * committed, so its failure must not turn a completed action into an error for the client; it
 * is logged loudly instead.
 */
export class Auditor {
  constructor(private readonly deps: AuditorDeps) {}

  async record(type: AuditEventType, client: ClientInfo, facts: AuditFacts = {}): Promise<void> {
    try {
      await this.deps.audit.record(this.event(type, client, facts));
    } catch (error) {
      this.deps.logger.error({ err: error, event: type }, "audit event could not be written");
    }
  }

  /** The event `record` would write, for a store that writes it with the action itself. */
  event(type: AuditEventType, client: ClientInfo, facts: AuditFacts = {}): AuditEvent {
    return {
      id: this.deps.newId(),
      type,
      userId: facts.userId ?? null,
      sessionId: facts.sessionId ?? null,
      ip: client.ip,
      userAgent: client.userAgent,
      requestId: client.requestId,
      detail: facts.detail ?? null,
      createdAt: this.deps.clock.now(),
    };
  }
}
