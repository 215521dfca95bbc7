import WebSocket from "ws";
import { MODULES } from "../../src/modules";
import { adminFeed } from "../support/admin-feed-module";
import { login, type Pair, signup, startServer, type TestServer } from "../support/server";
import { wsClient } from "../support/ws-client";

const SESSION_EVENTS = "subscription { sessionEvents { type sessionId current at } }";

export const ADMIN_ENV = { BOOTSTRAP_ADMIN_EMAIL: "root@example.com", BOOTSTRAP_ADMIN_PASSWORD: "tangerine quartz lighthouse" };

/** The websocket transport against one server on `databaseUrl()` (PGlite in memory when it returns undefined). */
export function describeWebSocketTransport(databaseUrl: () => string | undefined): void {
  let server: TestServer;
  beforeAll(async () => {
    const url = databaseUrl();
    server = await startServer({
      ...(url ? { databaseUrl: url } : {}),
      modules: [...MODULES, adminFeed],
      env: { WS_MAX_CONNECTIONS_PER_USER: "3", ...ADMIN_ENV },
    });
  });
  afterAll(() => server.close());

  const bearer = (pair: Pair) => ({ authorization: `Bearer ${pair.accessToken}` });

  it("runs queries with the connection's token, and anonymous connections only reach @public fields", async () => {
    const pair = await signup(server, "ws-query@example.com");
    const signedIn = wsClient(server.url, bearer(pair));
    const me = signedIn.subscribe<{ me: { email: string } }>("{ me { email } }");
    expect((await me.nextResults(1))[0]?.data?.me.email).toBe("ws-query@example.com");
    const anonymous = wsClient(server.url);
    const denied = anonymous.subscribe(SESSION_EVENTS);
    const errors = await denied.error;
    expect(errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
    await Promise.all([signedIn.dispose(), anonymous.dispose()]);
  });

  it.each([
    ["Authorization", (token: string) => ({ Authorization: `Bearer ${token}` })],
    ["headers.authorization", (token: string) => ({ headers: { authorization: `Bearer ${token}` } })],
  ])("also reads the token from %s (Apollo Sandbox's connection headers, nesting clients)", async (_shape, params) => {
    const pair = await signup(server, `ws-shape-${_shape.length}@example.com`);
    const client = wsClient(server.url, params(pair.accessToken));
    const me = client.subscribe<{ me: { id: string } }>("{ me { id } }");
    expect((await me.nextResults(1))[0]?.data?.me.id).toBe(pair.user.id);
    await client.dispose();
  });

  it.each([
    ["a malformed token", "Bearer nope", "TOKEN_INVALID"],
    ["a non-string token", 42, "TOKEN_INVALID"],
  ])("refuses %s at the handshake with 4401 and the reason", async (_what, authorization, reason) => {
    const client = wsClient(server.url, { authorization });
    expect(await client.closed).toMatchObject({ code: 4401, reason });
  });

  it("refuses an expired and a revoked token at the handshake with 4401", async () => {
    const pair = await signup(server, "ws-handshake@example.com");
    await server.gql(`mutation($r: String) { logout(refreshToken: $r) }`, { r: pair.refreshToken });
    expect(await wsClient(server.url, bearer(pair)).closed).toMatchObject({ code: 4401, reason: "SESSION_REVOKED" });
    const fresh = await signup(server, "ws-expired@example.com");
    server.clock.advance(16 * 60_000);
    try {
      expect(await wsClient(server.url, bearer(fresh)).closed).toMatchObject({ code: 4401, reason: "TOKEN_EXPIRED" });
    } finally {
      server.clock.reset();
    }
  });

  it("refuses a token past its expiry but within the HTTP clock tolerance at the handshake", async () => {
    const pair = await signup(server, "ws-tolerance@example.com");
    server.clock.advance(15 * 60_000 + 2000); // expired 2 s ago: HTTP still accepts it (5 s tolerance)
    try {
      expect((await server.gql("{ me { id } }", {}, { token: pair.accessToken })).body.data).toBeTruthy();
      expect(await wsClient(server.url, bearer(pair)).closed).toMatchObject({ code: 4401, reason: "TOKEN_EXPIRED" });
    } finally {
      server.clock.reset();
    }
  });

  it("closes an open socket with 4401 TOKEN_EXPIRED when its access token expires", async () => {
    const pair = await signup(server, "ws-expiry@example.com");
    const client = wsClient(server.url, bearer(pair));
    await client.connected;
    server.clock.advance(15 * 60_000 + 1000);
    try {
      expect(await client.closed).toMatchObject({ code: 4401, reason: "TOKEN_EXPIRED" });
    } finally {
      server.clock.reset();
    }
  });

  it("tells a sessionEvents subscriber about new sign-ins, then its own revocation, then closes 4403 within 1 s", async () => {
    const pair = await signup(server, "ws-events@example.com");
    const client = wsClient(server.url, bearer(pair));
    const events = client.subscribe<{ sessionEvents: { type: string; current: boolean; sessionId: string | null } }>(SESSION_EVENTS);
    await client.connected;
    await new Promise((resolve) => setTimeout(resolve, 100)); // the subscription is registered
    const other = (await login(server, "ws-events@example.com")).body.data?.login as Pair;
    const [created] = await events.nextResults(1);
    expect(created?.data?.sessionEvents).toMatchObject({ type: "SESSION_CREATED", current: false });
    const revokedAt = Date.now();
    await server.gql(`mutation($r: String) { logout(refreshToken: $r) }`, { r: pair.refreshToken });
    const closed = await client.closed;
    expect(closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
    expect(closed.at - revokedAt).toBeLessThan(1000);
    expect(events.results.map((r) => r.data?.sessionEvents)).toEqual([
      expect.objectContaining({ type: "SESSION_CREATED", current: false }),
      expect.objectContaining({ type: "SESSION_REVOKED", current: true }),
    ]);
    expect(other.accessToken).toBeTruthy();
  });

  it("logoutAll closes every socket of the user (4403) and leaves other users' sockets open", async () => {
    const pair = await signup(server, "ws-all@example.com");
    const bystander = await signup(server, "ws-bystander@example.com");
    const clients = [wsClient(server.url, bearer(pair)), wsClient(server.url, bearer(pair))];
    const theirs = wsClient(server.url, bearer(bystander));
    await Promise.all([...clients, theirs].map((c) => c.connected));
    const started = Date.now();
    await server.gql("mutation { logoutAll }", {}, { token: pair.accessToken });
    const closes = await Promise.all(clients.map((c) => c.closed));
    for (const closed of closes) {
      expect(closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
      expect(closed.at - started).toBeLessThan(1000);
    }
    const me = theirs.subscribe<{ me: { email: string } }>("{ me { email } }");
    expect((await me.nextResults(1))[0]?.data?.me.email).toBe("ws-bystander@example.com");
    await theirs.dispose();
  });

  it("ends an ADMIN-only subscription with FORBIDDEN when the user is demoted, keeping the socket", async () => {
    const root = (await login(server, "root@example.com", "tangerine quartz lighthouse")).body.data?.login as Pair;
    const target = await signup(server, "ws-demoted@example.com");
    await server.gql(`mutation($u: ID!) { setUserRole(userId: $u, role: ADMIN) { id } }`, { u: target.user.id }, { token: root.accessToken });
    const client = wsClient(server.url, bearer(target));
    const ticks = client.subscribe<{ adminTicks: number }>("subscription { adminTicks }");
    await ticks.nextResults(2);
    await server.gql(`mutation($u: ID!) { setUserRole(userId: $u, role: USER) { id } }`, { u: target.user.id }, { token: root.accessToken });
    const errors = await ticks.error;
    expect(errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN" });
    const me = client.subscribe<{ me: { role: string } }>("{ me { role } }");
    expect((await me.nextResults(1))[0]?.data?.me.role).toBe("USER");
    await client.dispose();
  });

  it("denies a mixed operation before anything runs, with the first denial", async () => {
    const pair = await signup(server, "ws-mixed@example.com");
    const client = wsClient(server.url, bearer(pair));
    const op = client.subscribe(`mutation { logoutAll setUserRole(userId: "${pair.user.id}", role: ADMIN) { id } }`);
    expect((await op.error)?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN" });
    const me = client.subscribe<{ me: { id: string } }>("{ me { id } }");
    expect((await me.nextResults(1))[0]?.data?.me.id).toBe(pair.user.id); // logoutAll did not run
    await client.dispose();
  });

  it("applies the HTTP limits: depth, aliases and the token limit", async () => {
    const client = wsClient(server.url);
    const deep = client.subscribe(`{ __type(name: "Query") { fields { type { ${"ofType { ".repeat(7)}name${" }".repeat(7)} } } } }`);
    const deepErrors = await deep.error;
    expect(deepErrors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });
    expect(deepErrors?.[0]?.message).toMatch(/depth/i);
    const aliases = client.subscribe(`{ ${Array.from({ length: 16 }, (_, i) => `m${i}: me { id }`).join(" ")} }`);
    expect((await aliases.error)?.[0]?.message).toMatch(/alias/i);
    const long = client.subscribe(`{ ${"__typename ".repeat(1200)} }`);
    expect((await long.error)?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_PARSE_FAILED" });
    await client.dispose();
  });

  it("allows exactly WS_MAX_CONNECTIONS_PER_USER sockets per user when 10 connect at once; the rest close with 4429", async () => {
    const pair = await signup(server, "ws-many@example.com");
    const clients = Array.from({ length: 10 }, () => wsClient(server.url, bearer(pair)));
    const outcomes = await Promise.all(
      clients.map((c) => Promise.race([c.connected.then(() => "connected"), c.closed.then((closed) => `${closed.code} ${closed.reason}`)])),
    );
    expect(outcomes.filter((o) => o === "connected")).toHaveLength(3);
    expect(outcomes.filter((o) => o !== "connected")).toEqual(Array(7).fill("4429 TOO_MANY_CONNECTIONS"));
    await Promise.all(clients.map((c) => c.dispose()));
    // Slots are given back when sockets close.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = wsClient(server.url, bearer(pair));
    await again.connected;
    await again.dispose();
  });

  it("rate-limits operations per socket with a typed TOO_MANY_REQUESTS", async () => {
    const client = wsClient(server.url);
    const ops = Array.from({ length: 30 }, () => client.subscribe("{ __typename }"));
    const outcomes = await Promise.all(ops.map((op) => op.error));
    const limited = outcomes.filter((errors) => errors?.[0]?.extensions?.code === "TOO_MANY_REQUESTS");
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.[0]?.extensions).toMatchObject({ retryAfter: 1 });
    expect(ops.filter((op) => op.results.length === 1).length).toBeGreaterThanOrEqual(20);
    await client.dispose();
  });

  it("answers a subscription sent over HTTP with 400 BAD_REQUEST pointing at the websocket, signed in or not", async () => {
    const pair = await signup(server, "ws-over-http@example.com");
    for (const token of [pair.accessToken, undefined]) {
      const res = await server.gql(SESSION_EVENTS, {}, token ? { token } : {});
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
      expect(res.body.errors?.[0]?.message).toMatch(/websocket/);
    }
  });

  it("closes a socket that sends no connection_init within 3 s with 4408", async () => {
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    const code = await new Promise<number>((resolve) => socket.on("close", (c) => resolve(c)));
    expect(code).toBe(4408);
  });
}

/** Shutdown: running operations finish and are answered, then every socket is closed with 1001. */
export function describeWebSocketShutdown(databaseUrl: () => string | undefined): void {
  it("answers in-flight operations, then closes sockets with 1001", async () => {
    const url = databaseUrl();
    const server = await startServer({ ...(url ? { databaseUrl: url } : {}), modules: [...MODULES, adminFeed] });
    const pair = await signup(server, "ws-shutdown@example.com");
    const client = wsClient(server.url, { authorization: `Bearer ${pair.accessToken}` });
    const anonymous = wsClient(server.url);
    await Promise.all([client.connected, anonymous.connected]);
    const slow = client.subscribe<{ slowPing: number }>("{ slowPing }");
    await new Promise((resolve) => setTimeout(resolve, 100)); // running on the server now
    const closing = server.close();
    const closed = await client.closed;
    expect(slow.results.map((r) => r.data?.slowPing)).toEqual([1]);
    expect(closed.code).toBe(1001);
    expect((await anonymous.closed).code).toBe(1001);
    await closing;
  });
}
