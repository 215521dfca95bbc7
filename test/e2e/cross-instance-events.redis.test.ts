import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { SUBSCRIBER_NAME_PREFIX } from "../../src/events/redis-transport";
import { describeWithPostgres, describeWithRedis, testRedisUrl } from "../support/services";
import { describeCrossInstanceEvents, postgresListeners } from "./cross-instance-events";

describeWithPostgres("security events between two instances (PostgreSQL)", () => {
  describeWithRedis("over Redis pub/sub", () => {
    // Its own key prefix, hence its own channel: other suites share this Redis server.
    const prefix = `test-${randomBytes(6).toString("hex")}`;
    describeCrossInstanceEvents(
      () => ({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }),
      async (databaseUrl) => {
        expect(await postgresListeners(databaseUrl)).toBe(0); // instead of NOTIFY, not as well
        const redis = new Redis(testRedisUrl());
        try {
          const list = (await redis.call("CLIENT", "LIST")) as string;
          return list.split("\n").filter((line) => line.includes(` name=${SUBSCRIBER_NAME_PREFIX}${prefix}:security-events `)).length;
        } finally {
          await redis.quit();
        }
      },
    );
  });
});
