import { type Database, migrate, openDatabase, PrismaMailQueue } from "../../src/db";
import { mailQueueContract } from "./contract/mail-queue.contract";
import { peekOutbox } from "./contract/prisma-outbox";

// One embedded database per file, its outbox emptied after each test.
let db: Database | undefined;
afterAll(async () => {
  await db?.close();
});

mailQueueContract("Prisma on PGlite (memory)", async () => {
  if (!db) {
    db = await openDatabase("pglite:memory");
    await migrate(db);
  }
  const open = db;
  return {
    queue: new PrismaMailQueue(open.prisma),
    peek: (id) => peekOutbox(open.prisma, id),
    close: async () => {
      await open.prisma.mailOutbox.deleteMany();
    },
  };
});
