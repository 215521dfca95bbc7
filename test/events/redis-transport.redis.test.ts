import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { PUBLISHER_NAME_PREFIX, RedisTransport, SUBSCRIBER_NAME_PREFIX } from "../../src/events/redis-transport";
import { freePort } from "../support/fake-postgres";
import { describeWithRedis, testRedisUrl } from "../support/services";
import { eventually, TEST_BACKOFF, transportContract } from "./transport-contract";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** `CLIENT LIST` lines as id and name, oldest connection first. */
async function clientsNamed(admin: Redis, name: string): Promise<string[]> {
  const list = (await admin.call("CLIENT", "LIST")) as string;
  return list
    .split("\n")
    .map((line) => ({ id: /\bid=(\d+)/.exec(line)?.[1], name: /\bname=(\S*)/.exec(line)?.[1] }))
    .filter((c): c is { id: string; name: string } => c.id !== undefined && c.name === name)
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((c) => c.id);
}

describeWithRedis("security events over Redis pub/sub", () => {
  transportContract(async () => {
    // A channel per test, and never the one a real deployment uses: other suites share this Redis.
    const channel = `test-${randomBytes(6).toString("hex")}:security-events`;
    const admin = new Redis(testRedisUrl(), { lazyConnect: true });
    await admin.connect();
    const kill = async (ids: string[]) => {
      for (const id of ids) await admin.call("CLIENT", "KILL", "ID", id);
    };
    return {
      open: () => new RedisTransport({ url: testRedisUrl(), channel, logger: silent, backoff: TEST_BACKOFF }),
      async killListeners() {
        // CLIENT KILL TYPE pubsub, narrowed to this test's subscribers.
        const ids = await clientsNamed(admin, `${SUBSCRIBER_NAME_PREFIX}${channel}`);
        expect(ids).toHaveLength(2);
        await kill(ids);
      },
      async killFirstPublisher() {
        const ids = await clientsNamed(admin, `${PUBLISHER_NAME_PREFIX}${channel}`);
        await kill(ids.slice(0, 1));
      },
      cleanup: async () => {
        await admin.quit();
      },
    };
  });
});

describe("Redis transport against a server that is not there", () => {
  it("never listening, never crashing, warns once, and close() is prompt", async () => {
    const warnings: string[] = [];
    const logger = { ...silent, warn: (_: object, message: string) => warnings.push(message) };
    const url = `redis://127.0.0.1:${await freePort()}`;
    const transport = new RedisTransport({ url, channel: "c", logger, backoff: TEST_BACKOFF });
    try {
      transport.start({ message: () => undefined, resync: () => undefined });
      transport.send("held while disconnected");
      await eventually("the warning", 5_000, () => warnings, (w) => w.length > 0);
      expect(await transport.listening(300)).toBe(false);
      expect(warnings).toEqual(["security event subscriber lost its Redis connection; reconnecting"]);
      const started = Date.now();
      await transport.close();
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await transport.close();
    }
  });
});
