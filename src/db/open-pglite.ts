import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { acquireDataDirLock } from "./data-dir-lock";
import type { Database, PrismaAdapterFactory } from "./database";
import { PrismaClient } from "./generated/prisma/client";
import { pgliteHotSql } from "./hot-sql";
import { closeOnce, ping } from "./lifecycle";
import { pgliteSqlDriver } from "./pglite-sql-driver";
import { ThreadedPGlite, type ThreadedPGliteOptions } from "./pglite-thread/threaded-pglite";
import { readPgliteTemplate } from "./pglite-template";
import { existingPgliteTemplateDir } from "./pglite-template-dir";

/*
 * PostgreSQL's memory settings for an embedded, single-connection database: shared_buffers
 * defaults to 128 MB, all of it resident once touched, for data that rarely reaches a few MB.
 * Measured on a directory after 20,000 inserts and 3,000 lookups: 351 → 200 MB RSS, and 286 →
 * 166 MB right after start.
 */
const START_PARAMS = [
  ...PGlite.defaultStartParams,
  ...["-c", "shared_buffers=16MB", "-c", "temp_buffers=2MB", "-c", "wal_buffers=1MB", "-c", "maintenance_work_mem=16MB"],
];

/** Where the build's templates are: each null when the build has not written it. */
export interface PgliteTemplates {
  dir(): string | null;
  tarball(): Promise<ArrayBuffer | null>;
}

const BUILT_TEMPLATES: PgliteTemplates = { dir: () => existingPgliteTemplateDir(), tarball: readPgliteTemplate };

/**
 * Options for a directory: a fresh one (no PG_VERSION yet) starts from the build's template when
 * there is one: on disk from its directory (which PGlite's thread copies in), else and in memory
 * from its tarball. Without either, PGlite runs initdb.
 */
export async function pgliteStartOptions(dataDir: string | null, templates: PgliteTemplates = BUILT_TEMPLATES): Promise<ThreadedPGliteOptions> {
  const fresh = dataDir === null || !existsSync(path.join(dataDir, "PG_VERSION"));
  if (!fresh) return { startParams: START_PARAMS, template: null };
  const templateDir = dataDir === null ? null : templates.dir();
  if (templateDir !== null) return { startParams: START_PARAMS, template: null, templateDir };
  return { startParams: START_PARAMS, template: await templates.tarball() };
}

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
export async function openPglite(dataDir: string | null, databaseUrl?: string, onStarted?: () => void): Promise<Database> {
  if (dataDir === null) return start(new ThreadedPGlite(null, await pgliteStartOptions(null)), async () => undefined, onStarted);
  const lock = await acquireDataDirLock(dataDir, databaseUrl === undefined ? {} : { databaseUrl });
  try {
    // A directory this process creates is its own alone, as PostgreSQL requires of its data
    // directories: the files PGlite creates in it are readable by all under the usual umask. One
    // that already exists keeps the modes its owner gave it.
    if ((await mkdir(lock.dataDir, { recursive: true })) !== undefined) await chmod(lock.dataDir, 0o700);
    return await start(new ThreadedPGlite(lock.dataDir, await pgliteStartOptions(lock.dataDir)), lock.release, onStarted);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function start(threaded: ThreadedPGlite, afterClose: () => Promise<void>, onStarted?: () => void): Promise<Database> {
  onStarted?.();
  try {
    await threaded.waitReady;
  } catch (error) {
    await threaded.abort();
    throw error;
  }
  const pglite = threaded.asPGlite();
  const adapter = pgliteAdapter(pglite);
  const prisma = new PrismaClient({ adapter });
  const hot = pgliteHotSql(threaded);
  return {
    kind: "pglite",
    prisma,
    adapter,
    sql: pgliteSqlDriver(pglite),
    hot,
    poolStats: null,
    ping: () => ping(hot),
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
