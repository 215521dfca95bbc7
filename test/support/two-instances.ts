import { createTestDatabase, type TestDatabase } from "./postgres";
import { type StartOptions, startServer, type TestServer } from "./server";

export interface TwoInstances {
  a: TestServer;
  b: TestServer;
  databaseUrl: string;
}

/**
 * Two servers on one fresh PostgreSQL database for the enclosing describe: `a` and `b` are
 * available inside its tests. `settings` is read when the suite starts.
 */
export function twoInstancesOnOneDatabase(settings: () => Omit<StartOptions, "databaseUrl">): TwoInstances {
  const instances = {} as TwoInstances;
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    instances.databaseUrl = db.url;
    instances.a = await startServer({ ...settings(), databaseUrl: db.url });
    instances.b = await startServer({ ...settings(), databaseUrl: db.url });
  });
  afterAll(async () => {
    await instances.a?.close();
    await instances.b?.close();
    await db?.drop();
  });
  return instances;
}
