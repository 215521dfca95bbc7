import type { OutgoingMail } from "../auth/mail";
import type { Prisma } from "./generated/prisma/client";

/**
 * Queues one mail, due at once. Takes a transaction client so a mail carrying a token is written
 * with that token (AccountTokenStore.issue); a PrismaClient works too for a mail on its own.
 */
export async function insertOutboxMail(tx: Pick<Prisma.TransactionClient, "$executeRaw">, id: string, mail: OutgoingMail, at: Date): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO mail_outbox (id, kind, recipient, link, facts, created_at, next_attempt_at, attempts)
    VALUES (${id}::uuid, ${mail.kind}::text, ${mail.to}::text, ${mail.link}::text, ${JSON.stringify(mail.facts)}::jsonb,
            ${at}::timestamptz, ${at}::timestamptz, 0)`;
}
