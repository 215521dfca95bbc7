import { PrismaPg } from "@prisma/adapter-pg";
import { type ClientConfig, Pool } from "pg";
import type { Database, OpenDatabaseOptions } from "./database";
import { PrismaClient } from "./generated/prisma/client";
import { pgHotSql } from "./hot-sql";
import { closeOnce, ping } from "./lifecycle";
import { pgSqlDriver } from "./pg-sql-driver";
import { guardPool } from "./pool-guard";

const DEFAULT_POOL_SIZE = 10;

/*
 * The request path's time budget on PostgreSQL, so that no request waits on the database for long:
 * - connect 1.5 s: a new connection, or a free pool slot. A refused connection fails at once.
 * - statement 5 s (server side): a slow statement or lock wait is cancelled (57014); the
 *   connection stays usable.
 * - query read 6 s (client side): for a server that stopped answering altogether; the connection
 *   is then destroyed (pool-guard.ts). Above the statement timeout, so that one fires first.
 * - idle in transaction 15 s (server side): row locks held by a client that froze mid-transaction
 *   are freed. Above the 10 s Prisma transaction timeout, so it never ends a live transaction.
 * Prisma's transaction maxWait (the stores' 10 s) is moot here: starting one needs a pool slot,
 * which the connect timeout bounds first.
 */
const DEFAULT_CONNECTION_TIMEOUT_MS = 1_500;
const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 6_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 15_000;

export function openPostgres(connectionString: string, opts: OpenDatabaseOptions): Database {
  const connection: ClientConfig = {
    connectionString,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    keepAlive: true,
    // @prisma/adapter-pg sends Dates as offset-less UTC wall-clock text and reads timestamptz
    // ignoring the offset, so any other session zone shifts every stored instant and makes raw
    // epoch reads (see epoch-ms.ts) disagree with model reads. Pinned per connection; note that an
    // `options` parameter in DATABASE_URL replaces this one (pg lets the URL win).
    options: "-c TimeZone=UTC",
  };
  const statementTimeout = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const max = opts.poolSize ?? DEFAULT_POOL_SIZE;
  const pool = new Pool({
    ...connection,
    max,
    statement_timeout: statementTimeout,
    query_timeout: opts.queryTimeoutMs ?? Math.max(DEFAULT_QUERY_TIMEOUT_MS, statementTimeout + 1_000),
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  // An idle client dropped by the server emits 'error' on the pool; unhandled, it kills the process.
  // pg already removed the broken client, and the next checkout reconnects.
  pool.on("error", () => undefined);
  guardPool(pool);
  const adapter = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter });
  const hot = pgHotSql(pool);
  return {
    kind: "postgres",
    prisma,
    adapter,
    // Migrations may legitimately run long (index builds, waiting on another instance's advisory
    // lock), so the migrator gets a connection of its own without the request-path timeouts.
    sql: pgSqlDriver(connection),
    hot,
    poolStats: () => ({ totalCount: pool.totalCount, idleCount: pool.idleCount, waitingCount: pool.waitingCount, max }),
    ping: () => ping(hot),
    close: closeOnce(async () => {
      await prisma.$disconnect();
      await pool.end();
    }),
  };
}
