import { randomBytes } from "node:crypto";
import { Client } from "pg";

export interface TestDatabase {
  /** Connection URL of the new, empty database (not migrated). */
  url: string;
  /** Drops the database, terminating any connections still open to it. */
  drop(): Promise<void>;
}

async function onServer(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named database on the server behind `adminUrl` (default TEST_DATABASE_URL),
 * so test files running in parallel never share tables.
 */
export async function createTestDatabase(adminUrl = process.env.TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!adminUrl) throw new Error("createTestDatabase needs TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres");
  const name = `test_${process.pid}_${randomBytes(6).toString("hex")}`;
  await onServer(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await onServer(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Resolves once `count` backends of the client's database wait on a lock. Ask on a connection
 * outside any transaction: inside one, pg_stat_activity is a snapshot taken at its first read.
 */
export async function lockWaiters(watcher: Client, count: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const { rows } = await watcher.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if ((rows[0]?.n ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw ${count} backends waiting on a lock`);
}
