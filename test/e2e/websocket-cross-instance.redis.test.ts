import { randomBytes } from "node:crypto";
import { describeWithPostgres, describeWithRedis, testRedisUrl } from "../support/services";
import { describeWebSocketsAcrossInstances } from "./websocket-cross-instance";

describeWithPostgres("websockets held to sessions changed on another instance", () => {
  describeWithRedis("over Redis pub/sub", () => {
    // Its own key prefix, hence its own channel: other suites share this Redis server.
    const prefix = `test-${randomBytes(6).toString("hex")}`;
    describeWebSocketsAcrossInstances(() => ({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }));
  });
});
