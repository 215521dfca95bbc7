import { createStores, migrate, openDatabase } from "../../src/db";
import { prismaOutboxProbe } from "./contract/outbox-probe";
import { describeStoreContract } from "./store-contract";

describeStoreContract("Prisma on PGlite (memory)", async () => {
  const db = await openDatabase("pglite:memory");
  await migrate(db);
  return { ...createStores(db), queuedMail: prismaOutboxProbe(db.prisma), close: () => db.close() };
});
