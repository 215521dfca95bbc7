import { Client } from "pg";
import { LISTENER_APPLICATION_NAME } from "../../src/events";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { type Pair, signup, startServer, type TestServer } from "../support/server";
import { describeWithPostgres } from "../support/services";
import { wsClient } from "../support/ws-client";

async function onDatabase<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describeWithPostgres("GraphQL websockets when security events are lost (PostgreSQL NOTIFY)", () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("a revocation whose event was lost is told to sessionEvents and closes the socket 4403 at the listener's RESYNC, long before the 30 s sweep", async () => {
    const pair: Pair = await signup(server, "lost-event@example.com");
    const client = wsClient(server.url, { authorization: `Bearer ${pair.accessToken}` });
    const events = client.subscribe<{ sessionEvents: { type: string; current: boolean } }>("subscription { sessionEvents { type current } }");
    await client.connected;
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscription is running
    // Ended behind the server's back, as by another instance whose NOTIFY never arrived here…
    await onDatabase(db.url, (c) => c.query("UPDATE sessions SET revoked_at = now() WHERE user_id = $1", [pair.user.id]));
    // …and the listener's connection dropped meanwhile: it reconnects, then RESYNCs.
    const started = Date.now();
    await onDatabase(db.url, (c) =>
      c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", [LISTENER_APPLICATION_NAME]),
    );
    const closed = await client.closed;
    expect(closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
    expect(closed.at - started).toBeLessThan(3000);
    expect(events.results.map((r) => r.data?.sessionEvents)).toEqual([{ type: "SESSION_REVOKED", current: true }]);
  });
});
