import { migrate, openDatabase, sqlRetentionStore } from "../../src/db";

describe("retention batches on PGlite (one connection for the whole process)", () => {
  it("bound each batch with a statement timeout that does not outlive the batch", async () => {
    const db = await openDatabase("pglite:memory");
    try {
      await migrate(db);
      let inside: string | undefined;
      await sqlRetentionStore(db).exclusively(async (batches) => {
        await batches.deleteAuditEventsBefore(new Date("2000-01-01T00:00:00Z"), 10);
        const [row] = await db.prisma.$queryRaw<Array<{ statement_timeout: string }>>`SHOW statement_timeout`;
        inside = row?.statement_timeout;
      });
      const [after] = await db.prisma.$queryRaw<Array<{ statement_timeout: string }>>`SHOW statement_timeout`;
      // Prisma's own queries never see the batch's 30 s limit, during the run or after it.
      expect(inside).toBe("0");
      expect(after?.statement_timeout).toBe("0");
    } finally {
      await db.close();
    }
  });
});
