import { randomUUID } from "node:crypto";
import { type Database, migrate, openDatabase, PrismaMailQueue } from "../../src/db";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { at, T0 } from "./contract/fixtures";
import { mailQueueContract } from "./contract/mail-queue.contract";
import { peekOutbox } from "./contract/prisma-outbox";

describeWithPostgres("mail queue on PostgreSQL", () => {
  let fresh: TestDatabase | undefined;
  const handles: Database[] = [];
  /** Another connection pool on the same database: what a second instance would hold. */
  async function connect(): Promise<Database> {
    if (!fresh) {
      fresh = await createTestDatabase();
      const first = await openDatabase(fresh.url);
      await migrate(first);
      handles.push(first);
      return first;
    }
    const db = await openDatabase(fresh.url);
    handles.push(db);
    return db;
  }
  afterAll(async () => {
    for (const db of handles) await db.close();
    await fresh?.drop();
  });

  mailQueueContract("Prisma on PostgreSQL", async () => {
    const db = handles[0] ?? (await connect());
    return {
      queue: new PrismaMailQueue(db.prisma),
      peek: (id) => peekOutbox(db.prisma, id),
      close: async () => {
        await db.prisma.mailOutbox.deleteMany();
      },
    };
  });

  it("two instances claiming at once never get the same mail, and between them get every one", async () => {
    const one = handles[0] ?? (await connect());
    const two = await connect();
    const total = 60;
    for (let n = 0; n < total; n += 1) {
      await new PrismaMailQueue(one.prisma).enqueue({ kind: "verify-email", to: `u${n}@example.test`, link: `https://app.test/v?t=${n}`, facts: {} }, randomUUID(), T0);
    }
    const claimed: string[] = [];
    const worker = async (queue: PrismaMailQueue) => {
      for (;;) {
        const batch = await queue.claimDue(at(0), at(1), 2);
        if (batch.length === 0) return;
        claimed.push(...batch.map((mail) => mail.id));
      }
    };
    const queues = [one, two, one, two, one, two, one, two].map((db) => new PrismaMailQueue(db.prisma));
    await Promise.all(queues.map(worker));
    expect(claimed).toHaveLength(total);
    expect(new Set(claimed).size).toBe(total);
    await one.prisma.mailOutbox.deleteMany();
  });
});
