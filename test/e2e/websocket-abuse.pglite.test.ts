import { rawWs } from "../support/raw-ws";
import { login, type Pair, refresh, signup, startServer, type TestServer } from "../support/server";
import { bearer, countListeners, outcome, SESSION_EVENTS, sleep } from "../support/ws-attack";
import { wsClient } from "../support/ws-client";

const PER_USER = 3;

/**
 * Attacks on the websocket transport that it withstands (regression tests): handshake and protocol
 * abuse, concurrency against the caps, revocation paths, slot accounting after abusive clients.
 */
describe("GraphQL websockets: handshake and protocol abuse, PGlite", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { WS_MAX_CONNECTIONS_PER_USER: String(PER_USER) } });
  });
  afterAll(() => server.close());

  it.each([
    ["subscribe before connection_init", [{ type: "subscribe", id: "1", payload: { query: "{ __typename }" } }], 4401],
    ["connection_init twice", [{ type: "connection_init" }, { type: "connection_init" }], 4429],
    ["a message that is not JSON", ["{nope"], 4400],
    ["an unknown message type", [{ type: "connection_init" }, { type: "shout" }], 4400],
    ["a subscribe without a query", [{ type: "connection_init" }, { type: "subscribe", id: "1", payload: { query: 5 } }], 4400],
    ["a message over 64 KiB", ["x".repeat(65 * 1024)], 1009],
  ] as const)("%s closes the socket with graphql-ws's code, and nothing is written to the console", async (_what, messages, code) => {
    const console_ = [jest.spyOn(console, "error"), jest.spyOn(console, "warn"), jest.spyOn(console, "log")];
    try {
      const raw = await rawWs(server.url);
      for (const message of messages) {
        raw.send(message);
        if (typeof message !== "string" && message.type === "connection_init") await sleep(100); // acked (anonymous)
      }
      expect((await raw.closed).code).toBe(code);
      for (const spy of console_) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of console_) spy.mockRestore();
    }
  });

  it("50 sockets of one user connecting at once: exactly WS_MAX_CONNECTIONS_PER_USER are admitted, then the slots come back", async () => {
    const pair = await signup(server, "fifty@example.com");
    const clients = Array.from({ length: 50 }, () => wsClient(server.url, bearer(pair)));
    const outcomes = await Promise.all(clients.map(outcome));
    expect(outcomes.filter((o) => o === "connected")).toHaveLength(PER_USER);
    expect(outcomes.filter((o) => o !== "connected")).toEqual(Array(50 - PER_USER).fill("4429 TOO_MANY_CONNECTIONS"));
    await Promise.all(clients.map((client) => client.dispose()));
    await sleep(200);
    const again = Array.from({ length: PER_USER }, () => wsClient(server.url, bearer(pair)));
    expect(await Promise.all(again.map(outcome))).toEqual(Array(PER_USER).fill("connected"));
    await Promise.all(again.map((client) => client.dispose()));
  });

  it("logoutAll while 20 sessionEvents subscriptions are starting closes the socket 4403 and leaves no listener behind", async () => {
    const pair = await signup(server, "logout-burst@example.com");
    const { counter, restore } = countListeners(server);
    try {
      const raw = await rawWs(server.url);
      await raw.init(bearer(pair));
      for (let i = 0; i < 20; i++) raw.send({ type: "subscribe", id: `s${i}`, payload: { query: SESSION_EVENTS } });
      const logout = server.gql("mutation { logoutAll }", {}, { token: pair.accessToken });
      expect(await raw.closed).toEqual({ code: 4403, reason: "SESSION_REVOKED" });
      await logout;
      await sleep(300);
      expect(counter.live).toBe(0);
    } finally {
      restore();
    }
  });

  it("a socket's session ended by a password change closes: its own with 4401 TOKEN_EXPIRED (refresh), the account's others with 4403", async () => {
    const pair = await signup(server, "password@example.com");
    const other = (await login(server, "password@example.com")).body.data?.login as Pair;
    const mine = wsClient(server.url, bearer(pair));
    const theirs = wsClient(server.url, bearer(other));
    await Promise.all([mine.connected, theirs.connected]);
    const changed = await server.gql(
      `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken } }`,
      { i: { currentPassword: "correct horse battery", newPassword: "another horse battery staple" } },
      { token: pair.accessToken },
    );
    expect(changed.body.errors).toBeUndefined();
    expect(await mine.closed).toMatchObject({ code: 4401, reason: "TOKEN_EXPIRED" });
    expect(await theirs.closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
  });

  it("refresh-token reuse revokes the session and closes its socket 4403", async () => {
    const pair = await signup(server, "reuse@example.com");
    const client = wsClient(server.url, bearer(pair));
    await client.connected;
    expect((await refresh(server, pair.refreshToken)).body.data).toBeTruthy();
    server.clock.advance(60_000); // past the rotation grace
    try {
      expect((await refresh(server, pair.refreshToken)).body.errors?.[0]?.extensions?.code).toBe("REFRESH_TOKEN_REUSED");
      expect(await client.closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
    } finally {
      server.clock.reset();
    }
  });

  it("a sessionEvents subscriber never sees another user's events", async () => {
    const alice = await signup(server, "alice-events@example.com");
    await signup(server, "bob-events@example.com");
    const client = wsClient(server.url, bearer(alice));
    const events = client.subscribe<{ sessionEvents: { type: string } }>(SESSION_EVENTS);
    await client.connected;
    await sleep(100);
    await login(server, "bob-events@example.com");
    await login(server, "alice-events@example.com");
    await events.nextResults(1);
    await sleep(200);
    expect(events.results.map((r) => r.data?.sessionEvents.type)).toEqual(["SESSION_CREATED"]);
    await client.dispose();
  });
});

describe("GraphQL websocket slots after many abusive connections, PGlite", () => {
  const PER_IP = 6;
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { WS_MAX_CONNECTIONS_PER_USER: "2", WS_MAX_CONNECTIONS_PER_IP: String(PER_IP) } });
  });
  afterAll(() => server.close());

  it("200 failed, dropped and abandoned connections give back every per-network and per-user slot", async () => {
    const pair = await signup(server, "cycles@example.com");
    const auth = bearer(pair);
    const cycles: Array<() => Promise<void>> = [
      async () => void (await wsClient(server.url, { authorization: "Bearer forged" }).closed), // 4401
      async () => {
        const raw = await rawWs(server.url); // left in the middle of its handshake
        raw.send({ type: "connection_init", payload: auth });
        raw.socket.terminate();
      },
      async () => {
        const raw = await rawWs(server.url); // dropped with a subscription running
        await raw.init(auth);
        raw.send({ type: "subscribe", id: "e", payload: { query: SESSION_EVENTS } });
        await sleep(5);
        raw.socket.terminate();
      },
      async () => {
        const raw = await rawWs(server.url); // garbage
        raw.send("{nope");
        await raw.closed;
      },
      async () => {
        const client = wsClient(server.url); // a polite anonymous client
        await client.subscribe("{ __typename }").nextResults(1);
        await client.dispose();
      },
    ];
    for (let i = 0; i < 200; i++) await cycles[i % cycles.length]?.();
    await sleep(300);
    const anonymous = Array.from({ length: PER_IP - 2 }, () => wsClient(server.url));
    const signedIn = Array.from({ length: 2 }, () => wsClient(server.url, auth));
    expect(await Promise.all([...anonymous, ...signedIn].map(outcome))).toEqual(Array(PER_IP).fill("connected"));
    await Promise.all([...anonymous, ...signedIn].map((client) => client.dispose()));
  });
});
