import { createStores, migrate, openDatabase } from "../../src/db";
import { createTestDatabase } from "../support/postgres";
import { describeStoreContract } from "./store-contract";

if (process.env.TEST_DATABASE_URL) {
  describeStoreContract("Prisma on PostgreSQL", async () => {
    const fresh = await createTestDatabase();
    const db = await openDatabase(fresh.url);
    await migrate(db);
    return {
      ...createStores(db),
      close: async () => {
        await db.close();
        await fresh.drop();
      },
    };
  });
} else {
  describe.skip("store contract: Prisma on PostgreSQL — SKIPPED, set TEST_DATABASE_URL to run", () => {
    it("runs the store contract against PostgreSQL", () => undefined);
  });
}
