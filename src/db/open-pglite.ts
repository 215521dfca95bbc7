import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Database } from "./database";
import { Prisma, PrismaClient } from "./generated/prisma/client";
import { closeOnce, pingPrisma } from "./lifecycle";
import { pgliteSqlDriver } from "./pglite-sql-driver";

type AdapterFactory = NonNullable<Prisma.PrismaClientOptions["adapter"]>;

/**
 * pglite-prisma-adapter 0.6.1 is typed against driver-adapter-utils 6.10, whose `argTypes` shape
 * differs from 6.19's. The adapter never reads argTypes (it sends sql + args to PGlite as text),
 * which the store contract suite exercises end to end, so only the declaration needs bridging.
 */
function pgliteAdapter(pglite: PGlite): AdapterFactory {
  return new PrismaPGlite(pglite) as unknown as AdapterFactory;
}

/** `dataDir` null means in-memory: gone when closed, which is what tests want. */
export async function openPglite(dataDir: string | null): Promise<Database> {
  let pglite: PGlite;
  if (dataDir === null) {
    pglite = new PGlite();
  } else {
    const absolute = path.resolve(dataDir);
    await mkdir(absolute, { recursive: true });
    pglite = new PGlite(absolute);
  }
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: pgliteAdapter(pglite) });
  return {
    kind: "pglite",
    prisma,
    sql: pgliteSqlDriver(pglite),
    ping: () => pingPrisma(prisma),
    close: closeOnce(async () => {
      await prisma.$disconnect();
      await pglite.close();
    }),
  };
}
