import { type Database, migrate, openDatabase, PrismaSigningKeyStore } from "../../src/db";
import { signingKeyStoreContract } from "./contract/signing-key-store.contract";

// Opening an embedded database costs seconds: one per file, emptied after each test (the contract
// needs an empty table, not a new process).
let db: Database | undefined;
afterAll(async () => {
  await db?.close();
});

signingKeyStoreContract("Prisma on PGlite (memory)", async () => {
  if (!db) {
    db = await openDatabase("pglite:memory");
    await migrate(db);
  }
  const open = db;
  return {
    store: new PrismaSigningKeyStore(open.prisma),
    close: async () => {
      await open.prisma.signingKey.deleteMany();
    },
  };
});
