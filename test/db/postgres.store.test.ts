import { createStores, migrate, openDatabase } from "../../src/db";
import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { prismaOutboxProbe } from "./contract/outbox-probe";
import { describeStoreContract } from "./store-contract";

describeWithPostgres("store contract on PostgreSQL", () => {
  describeStoreContract("Prisma on PostgreSQL", async () => {
    const fresh = await createTestDatabase();
    const db = await openDatabase(fresh.url);
    await migrate(db);
    return {
      ...createStores(db),
      queuedMail: prismaOutboxProbe(db.prisma),
      close: async () => {
        await db.close();
        await fresh.drop();
      },
    };
  });
});
