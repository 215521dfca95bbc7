import type { Pool, PoolClient } from "pg";
import type { SqlDriver, SqlExecutor, SqlRow, SqlSession } from "./sql-driver";

function executorFor(client: PoolClient): SqlExecutor {
  return {
    async query<R extends SqlRow>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query<R>(sql, [...params]);
      return result.rows;
    },
    async exec(script: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
  };
}

function sessionFor(client: PoolClient): SqlSession {
  const executor = executorFor(client);
  return {
    ...executor,
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      await client.query("BEGIN");
      try {
        const result = await work(executor);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // Report why the work failed, not a ROLLBACK on a dead connection; withSession then
        // discards the connection either way.
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },
  };
}

export function pgSqlDriver(pool: Pool): SqlDriver {
  return {
    async withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let succeeded = false;
      try {
        const result = await work(sessionFor(client));
        succeeded = true;
        return result;
      } finally {
        // A connection whose work failed may still hold a transaction or a lock: discard it.
        client.release(!succeeded);
      }
    },
  };
}
