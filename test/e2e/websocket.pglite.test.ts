import { signup, startServer } from "../support/server";
import { wsClient } from "../support/ws-client";
import { describeWebSocketShutdown, describeWebSocketTransport } from "./websocket";

describe("GraphQL over websockets (graphql-transport-ws on /graphql), PGlite", () => {
  describeWebSocketTransport(() => undefined);
  describe("shutdown", () => describeWebSocketShutdown(() => undefined));
});

describe("GraphQL websockets per client network", () => {
  it("allows exactly WS_MAX_CONNECTIONS_PER_IP sockets from one address when 12 connect at once (4429 for the rest)", async () => {
    const server = await startServer({ env: { WS_MAX_CONNECTIONS_PER_IP: "5" } });
    try {
      const clients = Array.from({ length: 12 }, () => wsClient(server.url));
      const outcomes = await Promise.all(
        clients.map((c) => Promise.race([c.connected.then(() => "connected"), c.closed.then((closed) => `${closed.code} ${closed.reason}`)])),
      );
      expect(outcomes.filter((o) => o === "connected")).toHaveLength(5);
      expect(outcomes.filter((o) => o !== "connected")).toEqual(Array(7).fill("4429 TOO_MANY_CONNECTIONS"));
      await Promise.all(clients.map((c) => c.dispose()));
    } finally {
      await server.close();
    }
  });
});

describe("GraphQL websockets with a short ACCESS_TOKEN_TTL", () => {
  it("closes the socket with 4401 TOKEN_EXPIRED within about a second of the token's expiry, in real time", async () => {
    const server = await startServer({ env: { ACCESS_TOKEN_TTL: "2s" } });
    try {
      const pair = await signup(server, "ws-short-ttl@example.com");
      const client = wsClient(server.url, { authorization: `Bearer ${pair.accessToken}` });
      const events = client.subscribe("subscription { sessionEvents { type } }");
      await client.connected;
      const closed = await client.closed;
      expect(closed).toMatchObject({ code: 4401, reason: "TOKEN_EXPIRED" });
      const expiresAt = Date.parse(pair.accessTokenExpiresAt);
      expect(closed.at).toBeGreaterThanOrEqual(expiresAt - 50);
      expect(closed.at - expiresAt).toBeLessThan(1500);
      expect(events.results).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
