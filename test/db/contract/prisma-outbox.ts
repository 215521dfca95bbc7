import type { PrismaClient } from "../../../src/db/generated/prisma/client";
import type { OutboxState } from "./mail-queue.contract";

/** A mail_outbox row as the contract inspects it, read with a model query. */
export async function peekOutbox(prisma: PrismaClient, id: string): Promise<OutboxState | null> {
  return prisma.mailOutbox.findUnique({
    where: { id },
    select: { link: true, attempts: true, nextAttemptAt: true, sentAt: true, failedAt: true, lastError: true },
  });
}
