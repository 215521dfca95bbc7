import { PrismaPg } from "@prisma/adapter-pg";
import { Pool } from "pg";
import type { Database, OpenDatabaseOptions } from "./database";
import { PrismaClient } from "./generated/prisma/client";
import { pgSqlDriver } from "./pg-sql-driver";
import { closeOnce, pingPrisma } from "./lifecycle";

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

export function openPostgres(connectionString: string, opts: OpenDatabaseOptions): Database {
  // One pool shared by Prisma and the migrator, so poolSize is the real connection budget.
  const pool = new Pool({
    connectionString,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    // @prisma/adapter-pg sends Dates as offset-less UTC wall-clock text and reads timestamptz
    // ignoring the offset, so any other session zone shifts every stored instant and makes raw
    // epoch reads (see epoch-ms.ts) disagree with model reads. Pinned per connection; note that an
    // `options` parameter in DATABASE_URL replaces this one (pg lets the URL win).
    options: "-c TimeZone=UTC",
  });
  // An idle client dropped by the server emits 'error' on the pool; unhandled, it kills the process.
  // pg already removed the broken client, and the next checkout reconnects.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    sql: pgSqlDriver(pool),
    ping: () => pingPrisma(prisma),
    close: closeOnce(async () => {
      await prisma.$disconnect();
      await pool.end();
    }),
  };
}
