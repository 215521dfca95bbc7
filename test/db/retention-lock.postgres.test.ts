import { migrate, openDatabase, sqlRetentionStore, type Database } from "../../src/db";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";

describeWithPostgres("retention on PostgreSQL: one instance at a time (advisory lock)", () => {
  let fresh: TestDatabase;
  let a: Database;
  let b: Database;

  beforeAll(async () => {
    fresh = await createTestDatabase();
    a = await openDatabase(fresh.url);
    b = await openDatabase(fresh.url);
    await migrate(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fresh?.drop();
  });

  it("a second instance skips its run while the first holds the lock, and runs once it is released", async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = sqlRetentionStore(a).exclusively(async (batches) => {
      await batches.deleteAuditEventsBefore(new Date("2000-01-01T00:00:00Z"), 10);
      // `release` exists before the test is told it is inside (under load the delete can outlast b's attempt).
      const held = new Promise<void>((resolve) => (release = resolve));
      entered();
      await held;
    });
    await inside;
    let ran = false;
    await expect(sqlRetentionStore(b).exclusively(async () => void (ran = true))).resolves.toBe(false);
    expect(ran).toBe(false);
    release();
    await expect(first).resolves.toBe(true);
    await expect(sqlRetentionStore(b).exclusively(async () => void (ran = true))).resolves.toBe(true);
    expect(ran).toBe(true);
  });
});
