import { MemoryMailQueue } from "../support/memory/memory-mail-queue";
import { mailQueueContract } from "./contract/mail-queue.contract";

// The dispatcher's unit tests run on this fake: it must honour the Prisma adapter's contract.
mailQueueContract("in memory (test/support/memory/memory-mail-queue.ts)", async () => {
  const queue = new MemoryMailQueue();
  return {
    queue,
    peek: async (id) => queue.rows.find((row) => row.id === id) ?? null,
    close: async () => undefined,
  };
});
