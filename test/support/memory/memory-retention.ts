import type { RetentionBatches, RetentionStore } from "../../../src/auth";
import type { MemoryAccountTokenStore } from "./memory-account-token-store";
import type { MemoryAuditLog } from "./memory-audit-log";
import type { MemoryMailQueue } from "./memory-mail-queue";
import type { MemorySessionStore } from "./memory-session-store";

/** RetentionStore over the in-memory stores; one run at a time, like the advisory lock. */
export class MemoryRetention implements RetentionStore {
  private running = false;

  constructor(
    private readonly sessions: MemorySessionStore,
    private readonly audit: MemoryAuditLog,
    private readonly accountTokens: MemoryAccountTokenStore | null = null,
    private readonly mail: MemoryMailQueue | null = null,
  ) {}

  async exclusively(work: (batches: RetentionBatches) => Promise<void>): Promise<boolean> {
    if (this.running) return false;
    this.running = true;
    try {
      await work(this.batches());
      return true;
    } finally {
      this.running = false;
    }
  }

  private batches(): RetentionBatches {
    const ended = (x: { revokedAt: Date | null; expiresAt: Date }, cutoff: Date) =>
      (x.revokedAt !== null && x.revokedAt < cutoff) || x.expiresAt < cutoff;
    return {
      deleteAuditEventsBefore: async (cutoff, limit) => {
        const doomed = new Set(this.audit.events.filter((e) => e.createdAt < cutoff).slice(0, limit));
        this.audit.events = this.audit.events.filter((e) => !doomed.has(e));
        return doomed.size;
      },
      deleteSessionsEndedBefore: async (cutoff, limit) => {
        const doomed = [...this.sessions.sessions.values()].filter((s) => ended(s, cutoff)).slice(0, limit);
        for (const s of doomed) {
          this.sessions.sessions.delete(s.id);
          for (const t of [...this.sessions.tokens.values()]) if (t.sessionId === s.id) this.sessions.tokens.delete(t.id);
        }
        return doomed.length;
      },
      deleteRefreshTokensEndedBefore: async (cutoff, limit) => {
        const doomed = [...this.sessions.tokens.values()].filter((t) => ended(t, cutoff)).slice(0, limit);
        for (const t of doomed) this.sessions.tokens.delete(t.id);
        for (const t of this.sessions.tokens.values()) if (t.parentId && doomed.some((d) => d.id === t.parentId)) t.parentId = null;
        return doomed.length;
      },
      deleteAccountTokensEndedBefore: async (cutoff, limit) => {
        const before = (at: Date | null) => at !== null && at < cutoff;
        const tokens = this.accountTokens?.tokens ?? new Map();
        const doomed = [...tokens.values()].filter((t) => t.expiresAt < cutoff || before(t.usedAt) || before(t.supersededAt)).slice(0, limit);
        for (const t of doomed) tokens.delete(t.id);
        return doomed.length;
      },
      deleteMailDoneBefore: async (cutoff, limit) => {
        const rows = this.mail?.rows ?? [];
        const doomed = new Set(rows.filter((m) => (m.sentAt !== null && m.sentAt < cutoff) || (m.failedAt !== null && m.failedAt < cutoff)).slice(0, limit));
        rows.splice(0, rows.length, ...rows.filter((m) => !doomed.has(m)));
        return doomed.size;
      },
    };
  }
}
