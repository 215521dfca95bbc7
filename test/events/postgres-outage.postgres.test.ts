import { Client } from "pg";
import type { SecurityMessage } from "../../src/auth";
import { FanoutBus, LISTENER_APPLICATION_NAME, PostgresTransport } from "../../src/events";
import { createOwnPostgres, type OwnPostgres } from "../support/own-postgres";
import { describeWithPostgresBinaries } from "../support/services";
import { event, eventually, TEST_BACKOFF } from "./transport-contract";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The database going away (stopped, or a backend that stops answering) under the LISTEN
 * connection. The cluster is this file's own, so it can be stopped and its backends frozen.
 */
describeWithPostgresBinaries("PostgreSQL transport across outages (PostgreSQL started by this test)", (bin) => {
  let pg: OwnPostgres;
  const opened: PostgresTransport[] = [];

  beforeAll(async () => {
    pg = await createOwnPostgres(bin);
    await pg.start();
  }, 30_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.close()));
  });
  afterAll(async () => {
    await pg?.destroy();
  });

  function node(options: { heartbeatMs?: number; warnings?: string[] } = {}) {
    const logger = { ...silent, warn: (_: object, message: string) => options.warnings?.push(message) };
    const { heartbeatMs } = options;
    const transport = new PostgresTransport({ connectionString: pg.url, channel: "outage", logger, backoff: TEST_BACKOFF, heartbeatMs });
    opened.push(transport);
    const bus = new FanoutBus(transport, logger);
    const received: SecurityMessage[] = [];
    bus.subscribe((message) => received.push(message));
    return { bus, transport, received };
  }

  it("the server stopping: retries quietly, close() stays prompt while it is down, RESYNC once it is back", async () => {
    const warnings: string[] = [];
    const [a, b, c] = [node({ warnings }), node(), node()];
    for (const n of [a, b, c]) expect(await n.transport.listening(5_000)).toBe(true);
    await pg.stop();
    try {
      await eventually("a warning", 5_000, () => warnings, (w) => w.length > 0);
      a.bus.publish(event(1)); // held, not thrown
      await new Promise((resolve) => setTimeout(resolve, 500)); // several failed reconnections
      expect(warnings).toEqual(["security event listener lost its connection; reconnecting"]);
      const started = Date.now();
      await c.transport.close();
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await pg.start();
    }
    for (const n of [a, b]) await eventually("RESYNC", 10_000, () => n.received, (seen) => seen.some((m) => m.type === "RESYNC"));
    expect(c.received).toEqual([]);
    a.bus.publish(event(2));
    await eventually("delivery after the outage", 5_000, () => b.received, (seen) => seen.some((m) => m.type !== "RESYNC" && m.at.getTime() === event(2).at.getTime()));
  }, 40_000);

  it("a listening backend that stops answering is found by the heartbeat and replaced", async () => {
    const a = node({ heartbeatMs: 100 });
    expect(await a.transport.listening(5_000)).toBe(true);
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    const stalled: number[] = [];
    try {
      const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [LISTENER_APPLICATION_NAME]);
      for (const { pid } of rows) {
        stalled.push(pid);
        process.kill(pid, "SIGSTOP");
      }
      expect(stalled).toHaveLength(1);
      // Query timeout (3 s) after the next heartbeat, then a new connection: RESYNC.
      await eventually("RESYNC", 8_000, () => a.received, (seen) => seen.some((m) => m.type === "RESYNC"));
      const b = node();
      expect(await b.transport.listening(5_000)).toBe(true);
      b.bus.publish(event(3));
      await eventually("delivery on the new connection", 2_000, () => a.received, (seen) => seen.length === 2);
    } finally {
      for (const pid of stalled) process.kill(pid, "SIGCONT");
      await admin.end();
    }
  }, 30_000);
});
