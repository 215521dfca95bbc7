import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { acquireDataDirLock } from "./data-dir-lock";
import type { Database, PrismaAdapterFactory } from "./database";
import { PrismaClient } from "./generated/prisma/client";
import { pgliteHotSql } from "./hot-sql";
import { closeOnce, pingPrisma } from "./lifecycle";
import { pgliteSqlDriver } from "./pglite-sql-driver";

/**
 * pglite-prisma-adapter 0.6.1 is typed against driver-adapter-utils 6.10, whose `argTypes` shape
 * differs from 6.19's. The adapter never reads argTypes (it sends sql + args to PGlite as text),
 * which the store contract suite exercises end to end, so only the declaration needs bridging.
 */
function pgliteAdapter(pglite: PGlite): PrismaAdapterFactory {
  return new PrismaPGlite(pglite) as unknown as PrismaAdapterFactory;
}

/**
 * `dataDir` null means in-memory: gone when closed, which is what tests want. A directory is
 * locked for this process before PGlite touches it and unlocked once PGlite has closed it;
 * `databaseUrl` is only named in the refusal when another process holds it.
 */
export async function openPglite(dataDir: string | null, databaseUrl?: string): Promise<Database> {
  if (dataDir === null) return start(new PGlite(), async () => undefined);
  const lock = await acquireDataDirLock(dataDir, databaseUrl === undefined ? {} : { databaseUrl });
  try {
    await mkdir(lock.dataDir, { recursive: true });
    return await start(new PGlite(lock.dataDir), lock.release);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function start(pglite: PGlite, afterClose: () => Promise<void>): Promise<Database> {
  await pglite.waitReady;
  const adapter = pgliteAdapter(pglite);
  const prisma = new PrismaClient({ adapter });
  return {
    kind: "pglite",
    prisma,
    adapter,
    sql: pgliteSqlDriver(pglite),
    hot: pgliteHotSql(pglite),
    poolStats: null,
    ping: () => pingPrisma(prisma),
    close: closeOnce(async () => {
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        await afterClose();
      }
    }),
  };
}
