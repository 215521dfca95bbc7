import type { MailKind } from "../../../src/auth/mail";
import type { PrismaClient } from "../../../src/db/generated/prisma/client";
import type { MemoryAccountTokenStore } from "../../support/memory-stores";
import type { OutboxRow } from "./fixtures";

/** StoreHarness.queuedMail for the Prisma adapters: the row as the table holds it. */
export function prismaOutboxProbe(prisma: PrismaClient): (id: string) => Promise<OutboxRow | null> {
  return async (id) => {
    const row = await prisma.mailOutbox.findUnique({ where: { id } });
    if (!row) return null;
    const { kind, recipient, link, facts, createdAt, nextAttemptAt, attempts } = row;
    return { kind: kind as MailKind, recipient, link, facts: facts as Record<string, string>, createdAt, nextAttemptAt, attempts };
  };
}

/** StoreHarness.queuedMail for the memory store: queued mails are due at once, never attempted. */
export function memoryOutboxProbe(tokens: MemoryAccountTokenStore): (id: string) => Promise<OutboxRow | null> {
  return async (id) => {
    const queued = tokens.outbox.find((m) => m.id === id);
    if (!queued) return null;
    const { kind, to, link, facts } = queued.mail;
    return { kind, recipient: to, link, facts: { ...facts }, createdAt: queued.createdAt, nextAttemptAt: queued.createdAt, attempts: 0 };
  };
}
