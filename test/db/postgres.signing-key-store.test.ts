import { migrate, openDatabase, PrismaSigningKeyStore } from "../../src/db";
import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { signingKeyStoreContract } from "./contract/signing-key-store.contract";

describeWithPostgres("signing-key store contract on PostgreSQL", () => {
  signingKeyStoreContract("Prisma on PostgreSQL", async () => {
    const fresh = await createTestDatabase();
    const db = await openDatabase(fresh.url);
    await migrate(db);
    return {
      store: new PrismaSigningKeyStore(db.prisma),
      close: async () => {
        await db.close();
        await fresh.drop();
      },
    };
  });
});
