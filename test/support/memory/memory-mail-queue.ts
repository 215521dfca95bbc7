import type { MailQueue, OutgoingMail, QueuedMail } from "../../../src/auth/mail";

/** One `mail_outbox` row. */
export interface OutboxEntry extends QueuedMail {
  nextAttemptAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
}

/**
 * MailQueue in memory, held to the Prisma adapter's contract (test/db/contract/
 * mail-queue.contract.ts): leases by `nextAttemptAt`, oldest first, the link erased once a mail
 * is sent or given up on.
 */
export class MemoryMailQueue implements MailQueue {
  /** The rows in insertion order; tests may inspect or tamper with them as a database writer could. */
  readonly rows: OutboxEntry[] = [];

  async enqueue(mail: OutgoingMail, id: string, at: Date): Promise<void> {
    if (this.rows.some((row) => row.id === id)) throw new Error(`duplicate mail id ${id}`);
    this.rows.push({ ...mail, facts: { ...mail.facts }, id, attempts: 0, createdAt: at, nextAttemptAt: at, sentAt: null, failedAt: null, lastError: null });
  }

  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<QueuedMail[]> {
    const due = this.rows
      .filter((row) => row.sentAt === null && row.failedAt === null && row.nextAttemptAt <= now)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, Math.max(0, limit));
    return due.map((row) => {
      row.attempts += 1;
      row.nextAttemptAt = leaseUntil;
      return { id: row.id, kind: row.kind, to: row.to, link: row.link, facts: { ...row.facts }, attempts: row.attempts, createdAt: row.createdAt };
    });
  }

  async markSent(id: string, at: Date): Promise<void> {
    const row = this.rows.find((r) => r.id === id && r.sentAt === null);
    if (!row) return;
    Object.assign(row, { sentAt: at, failedAt: null, link: null });
  }

  async markFailed(id: string, at: Date, error: string, retryAt: Date | null): Promise<void> {
    const row = this.rows.find((r) => r.id === id && r.sentAt === null && r.failedAt === null);
    if (!row) return;
    if (retryAt !== null) Object.assign(row, { lastError: error, nextAttemptAt: retryAt });
    else Object.assign(row, { lastError: error, failedAt: at, link: null });
  }
}
