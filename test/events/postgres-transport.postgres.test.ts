import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { LISTENER_APPLICATION_NAME, PostgresTransport } from "../../src/events";
import { startFakePostgres } from "../support/fake-postgres";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { eventually, TEST_BACKOFF, transportContract } from "./transport-contract";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describeWithPostgres("security events over PostgreSQL LISTEN/NOTIFY", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  transportContract(async () => {
    // A channel per test: nothing published by one test can reach the next.
    const channel = `test_events_${randomBytes(6).toString("hex")}`;
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    const listeners = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 ORDER BY backend_start`;
    const terminate = (pids: number[]) => admin.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [pids]);
    return {
      open: () => new PostgresTransport({ connectionString: db.url, channel, logger: silent, backoff: TEST_BACKOFF }),
      async killListeners() {
        const { rows } = await admin.query<{ pid: number }>(listeners, [LISTENER_APPLICATION_NAME]);
        expect(rows).toHaveLength(2);
        await terminate(rows.map((r) => r.pid));
      },
      // The listening connection is also the one NOTIFY goes out on; the oldest is the first transport's.
      async killFirstPublisher() {
        const { rows } = await admin.query<{ pid: number }>(listeners, [LISTENER_APPLICATION_NAME]);
        await terminate(rows.slice(0, 1).map((r) => r.pid));
      },
      cleanup: () => admin.end(),
    };
  });
});

describe("PostgreSQL transport against a server that does not work", () => {
  it.each(["silent", "hang-up"] as const)("%s server: never listening, never crashing, and close() is prompt", async (behaviour) => {
    const fake = await startFakePostgres(behaviour);
    const warnings: string[] = [];
    const logger = { ...silent, warn: (_: object, message: string) => warnings.push(message) };
    const transport = new PostgresTransport({ connectionString: fake.url, channel: "c", logger, backoff: TEST_BACKOFF });
    try {
      transport.start({ message: () => undefined, resync: () => undefined });
      transport.send("held while disconnected");
      // A silent server is given up on after the 2 s connect timeout; then retried, and said once.
      await eventually("the warning", 5_000, () => warnings, (w) => w.length > 0);
      expect(await transport.listening(300)).toBe(false);
      expect(warnings).toEqual(["security event listener lost its connection; reconnecting"]);
      const started = Date.now();
      await transport.close();
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await transport.close();
      await fake.close();
    }
  });
});
