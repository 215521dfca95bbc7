/**
 * The plain-SQL port the migrator needs beneath Prisma: migration files hold many statements,
 * and the advisory lock is per connection, so both need the driver itself.
 */
export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a multi-statement script (simple query protocol, no parameters). */
  exec(script: string): Promise<void>;
}

export interface SqlSession extends SqlExecutor {
  /** BEGIN … COMMIT around `work`; ROLLBACK and rethrow if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export interface SqlDriver {
  /** Runs `work` on one dedicated connection so session state (advisory locks) spans its calls. */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
}
