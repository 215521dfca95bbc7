import { parseDatabaseUrl } from "./database-url";
import type { Prisma, PrismaClient } from "./generated/prisma/client";
import type { HotSql } from "./hot-sql";
import type { SqlDriver } from "./sql-driver";

/** A Prisma driver adapter: what `new PrismaClient({ adapter })` of any generated client accepts. */
export type PrismaAdapterFactory = NonNullable<Prisma.PrismaClientOptions["adapter"]>;

/** A connection pool's occupancy, in pg's Pool terms. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  max: number;
}

export interface Database {
  readonly kind: "postgres" | "pglite";
  readonly prisma: PrismaClient;
  /** The adapter `prisma` runs on; modules with their own generated clients share it. */
  readonly adapter: PrismaAdapterFactory;
  /** Raw driver access for the migrator; application code goes through `prisma` or `hot`. */
  readonly sql: SqlDriver;
  /** The request path's hot single statements, on the driver beside Prisma (see hot-sql.ts). */
  readonly hot: HotSql;
  /** PostgreSQL: the request pool's occupancy now. Null on PGlite: one in-process connection, no pool. */
  readonly poolStats: (() => PoolStats) | null;
  /** Round-trips a trivial query on the hot statements' driver; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** Disconnects Prisma, then ends the pool / closes PGlite. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: maximum pooled connections (default 10). */
  poolSize?: number;
  /** PostgreSQL only: how long to wait for a connection or a free pool slot, in ms (default 1500). */
  connectionTimeoutMs?: number;
  /** PostgreSQL only: server-side `statement_timeout` of pooled connections, in ms (default 5000). */
  statementTimeoutMs?: number;
  /** PostgreSQL only: how long to wait for any answer before giving up on the connection (default 6000, ≥ statement + 1000). */
  queryTimeoutMs?: number;
  /**
   * Called once the database's own work is under way, before it is ready: PGlite's thread has
   * been started (after the directory lock), PostgreSQL's pool created. See startOpeningDatabase.
   */
  onStarted?: () => void;
}

/**
 * Opens (but does not migrate) the database named by `url`: `postgresql://…`, `pglite:memory`
 * or `pglite:<dir>`. PostgreSQL connects lazily; PGlite boots its WASM instance here, after taking
 * the directory's lock (DataDirInUseError when another process has it open).
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  // Each engine's driver loads only when that engine is opened: PGlite's package took ~13 ms of
  // a PostgreSQL start, pg and its Prisma adapter ~25 ms of an embedded one.
  if (target.kind === "postgres") {
    const db = (await import("./open-postgres")).openPostgres(target.connectionString, opts);
    opts.onStarted?.();
    return db;
  }
  return (await import("./open-pglite")).openPglite(target.dataDir, url, opts.onStarted);
}

/**
 * Begins openDatabase and resolves as soon as the database's own work is under way (or the open
 * has failed), not once it is ready, so that the caller's own work overlaps it: main.ts loads the
 * server's modules (~0.4 s of its thread) while an embedded database boots on another (~1 s).
 * Without the wait they would not overlap: the directory lock's file operations need this thread,
 * which a module load holds until it is done. `opened` settles as openDatabase's promise would; a
 * rejection is held for whoever awaits it, never reported as unhandled in the meantime.
 */
export async function startOpeningDatabase(url: string): Promise<{ opened: Promise<Database> }> {
  let started = (): void => undefined;
  const underWay = new Promise<void>((resolve) => (started = resolve));
  const opened = openDatabase(url, { onStarted: () => started() });
  const settled = opened.then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([underWay, settled]);
  return { opened };
}
