import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { SqlDriver, SqlExecutor, SqlRow, SqlSession } from "./sql-driver";

function executorFor(target: PGlite | Transaction): SqlExecutor {
  return {
    async query<R extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<R>(sql, [...params]);
      return result.rows;
    },
    async exec(script: string) {
      await target.exec(script);
    },
  };
}

/**
 * PGlite has a single connection, so "a dedicated session" is the instance itself; its own
 * transaction() holds the instance mutex, keeping Prisma queries out of a half-applied migration.
 */
export function pgliteSqlDriver(pglite: PGlite): SqlDriver {
  const session: SqlSession = {
    ...executorFor(pglite),
    transaction: <T>(work: (tx: SqlExecutor) => Promise<T>) =>
      pglite.transaction((tx) => work(executorFor(tx))),
  };
  return { withSession: (work) => work(session) };
}
