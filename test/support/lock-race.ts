import { Client } from "pg";
import { createStores, migrate, openDatabase, type Stores } from "../../src/db";
import { createTestDatabase } from "./postgres";

/**
 * A migrated PostgreSQL test database, its stores, and two plain connections for pinning lock
 * interleavings: `holder` keeps a row locked in an open transaction, `watcher` sees who waits.
 */
export interface LockRace {
  stores: Stores;
  holder: Client;
  watcher: Client;
  close(): Promise<void>;
}

export async function openLockRace(): Promise<LockRace> {
  const fresh = await createTestDatabase();
  const db = await openDatabase(fresh.url);
  await migrate(db);
  const holder = new Client({ connectionString: fresh.url });
  const watcher = new Client({ connectionString: fresh.url });
  await holder.connect();
  await watcher.connect();
  return {
    stores: createStores(db),
    holder,
    watcher,
    async close() {
      await holder.end();
      await watcher.end();
      await db.close();
      await fresh.drop();
    },
  };
}
