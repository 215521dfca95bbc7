import type { AuthDeps } from "./deps";
import { badInput } from "./errors";
import { isUuid } from "./ids";
import type { AuditEvent, AuditEventType, ClientInfo, Role, UserRecord, Viewer } from "./types";

type AdminDeps = Pick<AuthDeps, "users" | "notify" | "clock" | "logger" | "auditor" | "audit">;

export const MAX_PAGE_SIZE = 100;

export class UserAdminService {
  constructor(private readonly deps: AdminDeps) {}

  async list(first: number, after: string | null | undefined): Promise<UserRecord[]> {
    assertPageSize(first);
    if (after != null && !isUuid(after)) throw badInput("after", "after must be a user id.");
    return this.deps.users.list({ first, after: after ?? null });
  }

  async setRole(actor: Viewer, userId: string, role: Role, client: ClientInfo): Promise<UserRecord> {
    if (!isUuid(userId)) throw badInput("userId", "userId must be a user id.");
    const updated = await this.deps.users.setRole(userId, role, this.deps.clock.now());
    if (!updated) throw badInput("userId", "No user has this id.");
    // Authorization reads the current role; drop cached state so every instance applies it now.
    this.deps.notify.roleChanged(userId);
    this.deps.logger.info({ event: "role_changed", actorId: actor.user.id, userId, role }, "role changed");
    await this.deps.auditor.record("role_changed", client, { userId, detail: { role, actorId: actor.user.id } });
    return updated;
  }

  /** Newest first. */
  async auditEvents(page: { first: number; after?: string | null; userId?: string | null; type?: AuditEventType | null }): Promise<AuditEvent[]> {
    assertPageSize(page.first);
    if (page.after != null && !isUuid(page.after)) throw badInput("after", "after must be an audit event id.");
    if (page.userId != null && !isUuid(page.userId)) throw badInput("userId", "userId must be a user id.");
    return this.deps.audit.list(page);
  }
}

function assertPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput("first", `first must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
}
