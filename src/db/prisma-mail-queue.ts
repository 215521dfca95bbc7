import { MAIL_KINDS, type MailFacts, type MailKind, type MailQueue, type OutgoingMail, type QueuedMail } from "../auth/mail";
import { Prisma, type PrismaClient } from "./generated/prisma/client";
import { epochMs, fromEpochMs } from "./epoch-ms";
import { insertOutboxMail } from "./mail-outbox-rows";

interface OutboxRow {
  id: string;
  kind: string;
  recipient: string;
  link: string | null;
  facts: string;
  attempts: number;
  created_at: number;
}

/** Only kinds this version can render: a row a newer release queued is left to that release. */
const KNOWN_KINDS = Prisma.join([...MAIL_KINDS]);

/**
 * The outbox on `mail_outbox`. A row is due while unsent, not given up on and its
 * `next_attempt_at` has come; claiming pushes `next_attempt_at` to the lease's end, which is what
 * keeps other instances (and this one) off it until then.
 */
export class PrismaMailQueue implements MailQueue {
  constructor(private readonly prisma: PrismaClient) {}

  async enqueue(mail: OutgoingMail, id: string, at: Date): Promise<void> {
    await insertOutboxMail(this.prisma, id, mail, at);
  }

  /**
   * SKIP LOCKED: concurrent claimers each take other rows instead of waiting for (then re-reading)
   * the rows another one is claiming, so no row is handed out twice and nobody blocks.
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<QueuedMail[]> {
    if (limit <= 0) return [];
    const rows = await this.prisma.$queryRaw<OutboxRow[]>`
      UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ${leaseUntil}::timestamptz
       WHERE id IN (
         SELECT id FROM mail_outbox
          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ${now}::timestamptz
            AND kind IN (${KNOWN_KINDS})
          ORDER BY created_at, id
          LIMIT ${limit}::int
          FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id, kind, recipient, link, facts::text AS facts, attempts, ${epochMs("created_at")} AS created_at`;
    return rows
      .flatMap((row) => toQueuedMail(row) ?? [])
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Delivered wins over an earlier give-up: a mail sent late was still sent. */
  async markSent(id: string, at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE mail_outbox SET sent_at = ${at}::timestamptz, failed_at = NULL, link = NULL
       WHERE id = ${id}::uuid AND sent_at IS NULL`;
  }

  async markFailed(id: string, at: Date, error: string, retryAt: Date | null): Promise<void> {
    if (retryAt !== null) {
      await this.prisma.$executeRaw`
        UPDATE mail_outbox SET last_error = ${error}::text, next_attempt_at = ${retryAt}::timestamptz
         WHERE id = ${id}::uuid AND sent_at IS NULL AND failed_at IS NULL`;
      return;
    }
    await this.prisma.$executeRaw`
      UPDATE mail_outbox SET last_error = ${error}::text, failed_at = ${at}::timestamptz, link = NULL
       WHERE id = ${id}::uuid AND sent_at IS NULL AND failed_at IS NULL`;
  }
}

function toQueuedMail(row: OutboxRow): QueuedMail | null {
  const kind: MailKind | undefined = MAIL_KINDS.find((k) => k === row.kind);
  if (!kind) return null;
  return {
    id: row.id,
    kind,
    to: row.recipient,
    link: row.link,
    facts: factsOf(row.facts),
    attempts: Number(row.attempts),
    createdAt: fromEpochMs(row.created_at),
  };
}

/** Facts are flat strings by contract; anything else in the column is not shown to a template. */
function factsOf(json: string): MailFacts {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
