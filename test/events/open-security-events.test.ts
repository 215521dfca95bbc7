import { openSecurityEvents } from "../../src/events";
import { freePort } from "../support/fake-postgres";

function capture() {
  const warnings: string[] = [];
  return { warnings, logger: { info: () => undefined, error: () => undefined, warn: (_: object, message: string) => warnings.push(message) } };
}

describe("openSecurityEvents", () => {
  it("PGlite: in-process only, even with REDIS_URL set (one process owns the data directory)", async () => {
    const { logger } = capture();
    const events = await openSecurityEvents({ databaseUrl: "pglite:memory", redisUrl: "redis://127.0.0.1:1", redisKeyPrefix: "p", logger });
    expect(events.kind).toBe("local");
    await events.close();
  });

  it.each([
    ["postgres", (port: number) => ({ databaseUrl: `postgresql://postgres@127.0.0.1:${port}/x`, redisUrl: null })],
    ["redis", (port: number) => ({ databaseUrl: "postgresql://postgres@127.0.0.1:1/x", redisUrl: `redis://127.0.0.1:${port}` })],
  ])("%s unreachable at boot: starts anyway after the ready timeout, says so, and closes promptly", async (kind, urls) => {
    const { logger, warnings } = capture();
    const started = Date.now();
    const events = await openSecurityEvents({ ...urls(await freePort()), redisKeyPrefix: "p", logger, readyTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(events.kind).toBe(kind);
    expect(warnings).toContain("security event transport not listening yet; retrying in the background");
    const closing = Date.now();
    await events.close();
    expect(Date.now() - closing).toBeLessThan(1_500);
  });
});
