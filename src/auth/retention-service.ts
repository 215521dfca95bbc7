import type { AuthDeps } from "./deps";
import { nextTurn } from "./next-turn";

type RetentionDeps = Pick<AuthDeps, "retention" | "clock" | "logger">;

export interface RetentionPolicy {
  /** Audit events older than this are deleted; 0 keeps them forever. */
  auditRetentionMs: number;
  /**
   * Sessions and refresh tokens ended (revoked or expired), mailed tokens ended (used, superseded
   * or expired) and mail sent or given up on, longer ago than this, are deleted; 0 keeps them.
   */
  sessionRetentionMs: number;
  /** Rows per DELETE: small, so no statement holds locks (or PGlite's single connection) for long. */
  batchSize: number;
  /** Upper bound on batches per kind and run; the rest waits for the next run. */
  maxBatchesPerRun: number;
}

export interface RetentionReport {
  sessions: number;
  refreshTokens: number;
  auditEvents: number;
  accountTokens: number;
  mail: number;
}

/**
 * Deletes what is kept no longer: audit events past AUDIT_RETENTION, sessions and refresh tokens
 * ended or expired more than SESSION_RETENTION ago. Only one instance runs it at a time.
 */
export class RetentionService {
  constructor(
    private readonly deps: RetentionDeps,
    private readonly policy: RetentionPolicy,
  ) {}

  /**
   * Null when another instance was already running it. Once `stopping` is aborted (shutdown), no
   * further batch starts: what is left waits for the next run, on this instance or another.
   */
  async run(stopping?: AbortSignal): Promise<RetentionReport | null> {
    const now = this.deps.clock.now().getTime();
    const report: RetentionReport = { sessions: 0, refreshTokens: 0, auditEvents: 0, accountTokens: 0, mail: 0 };
    const ran = await this.deps.retention.exclusively(async (batches) => {
      const { sessionRetentionMs, auditRetentionMs } = this.policy;
      if (sessionRetentionMs > 0) {
        const cutoff = new Date(now - sessionRetentionMs);
        // Sessions first: their tokens go with them, leaving fewer single tokens to delete.
        report.sessions = await this.drain((limit) => batches.deleteSessionsEndedBefore(cutoff, limit), stopping);
        report.refreshTokens = await this.drain((limit) => batches.deleteRefreshTokensEndedBefore(cutoff, limit), stopping);
        // Mailed tokens and sent mail are session-like: short-lived credentials and their delivery record.
        report.accountTokens = await this.drain((limit) => batches.deleteAccountTokensEndedBefore(cutoff, limit), stopping);
        report.mail = await this.drain((limit) => batches.deleteMailDoneBefore(cutoff, limit), stopping);
      }
      if (auditRetentionMs > 0) {
        const cutoff = new Date(now - auditRetentionMs);
        report.auditEvents = await this.drain((limit) => batches.deleteAuditEventsBefore(cutoff, limit), stopping);
      }
    });
    if (!ran) return null;
    if (Object.values(report).some((count) => count > 0)) {
      this.deps.logger.info({ event: "retention", ...report }, "expired data deleted");
    }
    return report;
  }

  private async drain(deleteBatch: (limit: number) => Promise<number>, stopping?: AbortSignal): Promise<number> {
    let total = 0;
    for (let batch = 0; batch < this.policy.maxBatchesPerRun && !stopping?.aborted; batch++) {
      const deleted = await deleteBatch(this.policy.batchSize);
      total += deleted;
      if (deleted < this.policy.batchSize) break;
      // Let requests in between batches (PGlite's one connection runs every statement in turn).
      await nextTurn();
    }
    return total;
  }
}
