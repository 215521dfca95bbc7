import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { parsePrometheusText, valueOf } from "../support/prometheus-text";
import { signup, withServer } from "../support/server";
import { describeWithPostgres } from "../support/services";

describeWithPostgres("GET /metrics on PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it("reports the connection pool and the live sessions the database holds", async () => {
    await withServer({ databaseUrl: db.url }, async (server) => {
      await signup(server, "pool@example.com");
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      const samples = parsePrometheusText(await response.text());
      expect(valueOf(samples, "db_pool_connections_max")).toBe(10);
      const open = valueOf(samples, "db_pool_connections") ?? 0;
      expect(open).toBeGreaterThanOrEqual(1);
      expect(open).toBeLessThanOrEqual(10);
      expect(valueOf(samples, "db_pool_connections_idle")).toBeLessThanOrEqual(open);
      expect(valueOf(samples, "db_pool_waiting_requests")).toBe(0);
      expect(valueOf(samples, "auth_sessions_active")).toBe(1);
    });
  });
});
