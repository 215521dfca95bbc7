import { Client, type ClientConfig } from "pg";
import type { SqlDriver, SqlExecutor, SqlRow, SqlSession } from "./sql-driver";

function executorFor(client: Client): SqlExecutor {
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

function sessionFor(client: Client): SqlSession {
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
        // closes the connection either way.
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Each session is a connection of its own, opened for `work` and closed after it. */
export function pgSqlDriver(config: ClientConfig): SqlDriver {
  return {
    async withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      const client = new Client(config);
      // A connection lost between queries emits 'error'; the next query reports it instead.
      client.on("error", () => undefined);
      try {
        await client.connect();
        return await work(sessionFor(client));
      } finally {
        // Closing also drops any session state the work left behind (locks, an open transaction).
        await client.end().catch(() => undefined);
      }
    },
  };
}
