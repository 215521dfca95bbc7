import { MODULES } from "../../src/modules";
import { adminFeed } from "../support/admin-feed-module";
import { rawWs } from "../support/raw-ws";
import { login, type Pair, refresh, signup, startServer, type TestServer } from "../support/server";
import { type TestWsClient, wsClient } from "../support/ws-client";
import { ADMIN_ENV } from "./websocket";

const SESSION_EVENTS = "subscription { sessionEvents { type sessionId current at } }";
const PER_USER = 3;

const bearer = (pair: Pair) => ({ authorization: `Bearer ${pair.accessToken}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const outcome = (client: TestWsClient) =>
  Promise.race([client.connected.then(() => "connected"), client.closed.then((closed) => `${closed.code} ${closed.reason}`)]);

/**
 * Attacks on the websocket transport, each against the real server over real sockets. Every test
 * here failed before the fix it names (see the commit that added it).
 */
describe("GraphQL websockets under attack, PGlite", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      modules: [...MODULES, adminFeed],
      env: { WS_MAX_CONNECTIONS_PER_USER: String(PER_USER), ...ADMIN_ENV },
    });
  });
  afterAll(() => server.close());

  /** Counts the security-event listeners that subscriptions add and have not removed. */
  function countListeners() {
    const events = server.app.auth.events;
    const subscribe = events.subscribe.bind(events);
    const counter = { live: 0 };
    const spy = jest.spyOn(events, "subscribe").mockImplementation((listener) => {
      counter.live += 1;
      const unsubscribe = subscribe(listener);
      return () => {
        counter.live -= 1;
        unsubscribe();
      };
    });
    return { counter, restore: () => spy.mockRestore() };
  }

  describe("leaks (failable-iterator: return() used to wait for the next security event)", () => {
    it("a socket closed while its sessionEvents subscription waits gives back its per-user slot: 20 reloads do not lock the user out", async () => {
      const pair = await signup(server, "reloads@example.com");
      for (let i = 0; i < 20; i++) {
        const tab = wsClient(server.url, bearer(pair));
        expect(await outcome(tab)).toBe("connected");
        tab.subscribe(SESSION_EVENTS);
        await sleep(30); // the subscription is running on the server
        await tab.dispose();
        await tab.closed;
      }
      await sleep(100);
      const tabs = Array.from({ length: PER_USER }, () => wsClient(server.url, bearer(pair)));
      expect(await Promise.all(tabs.map(outcome))).toEqual(Array(PER_USER).fill("connected"));
      await Promise.all(tabs.map((tab) => tab.dispose()));
    });

    it("subscriptions completed by the client or cut off by a dropped socket leave no security-event listener behind", async () => {
      const pair = await signup(server, "listeners@example.com");
      const { counter, restore } = countListeners();
      try {
        for (let i = 0; i < 10; i++) {
          const raw = await rawWs(server.url);
          await raw.init(bearer(pair));
          raw.send({ type: "subscribe", id: "completed", payload: { query: SESSION_EVENTS } });
          raw.send({ type: "subscribe", id: "dropped", payload: { query: SESSION_EVENTS } });
          await sleep(30);
          raw.send({ type: "complete", id: "completed" });
          await sleep(10);
          raw.socket.terminate();
          await raw.closed;
        }
        await sleep(200);
        expect(counter.live).toBe(0);
      } finally {
        restore();
      }
      const tabs = Array.from({ length: PER_USER }, () => wsClient(server.url, bearer(pair)));
      expect(await Promise.all(tabs.map(outcome))).toEqual(Array(PER_USER).fill("connected"));
      await Promise.all(tabs.map((tab) => tab.dispose()));
    });

    it("a subscription completed by the client frees its place under the per-socket operation cap", async () => {
      const pair = await signup(server, "op-slots@example.com");
      const raw = await rawWs(server.url);
      await raw.init(bearer(pair));
      // 60 subscribe/complete pairs, paced under the rate: the cap (50 running) must never be hit.
      try {
        for (let i = 0; i < 60; i++) {
          raw.send({ type: "subscribe", id: `s${i}`, payload: { query: SESSION_EVENTS } });
          await sleep(5);
          raw.send({ type: "complete", id: `s${i}` });
          server.clock.advance(200);
        }
        raw.send({ type: "subscribe", id: "last", payload: { query: "{ me { id } }" } });
        const answer = await raw.waitFor((m) => m.id === "last");
        expect(answer).toMatchObject({ type: "next", payload: { data: { me: { id: pair.user.id } } } });
        expect(raw.messages.filter((m) => m.type === "error")).toEqual([]);
      } finally {
        server.clock.reset();
        raw.socket.close();
      }
    });
  });

  describe("races (operations and handshakes checked before they were counted or tracked)", () => {
    it("bursts of subscribe messages on one socket never run more than 50 operations at once", async () => {
      const pair = await signup(server, "op-cap@example.com");
      const raw = await rawWs(server.url);
      await raw.init(bearer(pair));
      try {
        // Four bursts of 20, the bucket refilled in between: 20 + 20 + 10 fit under the cap of 50.
        for (let burst = 0; burst < 4; burst++) {
          for (let i = 0; i < 20; i++) raw.send({ type: "subscribe", id: `b${burst}-${i}`, payload: { query: SESSION_EVENTS } });
          await sleep(300);
          server.clock.advance(2100);
        }
      } finally {
        server.clock.reset();
      }
      await sleep(200);
      const refused = raw.messages.filter((m) => m.type === "error");
      expect(refused).toHaveLength(30);
      for (const error of refused) expect(error).toMatchObject({ payload: [{ extensions: { code: "TOO_MANY_REQUESTS" } }] });
      raw.socket.close();
    });

    it("an operation id completed and re-sent while it is still starting is refused (BAD_REQUEST), so no twin escapes a demotion", async () => {
      const root = (await login(server, ADMIN_ENV.BOOTSTRAP_ADMIN_EMAIL, ADMIN_ENV.BOOTSTRAP_ADMIN_PASSWORD)).body.data?.login as Pair;
      const target = await signup(server, "twin@example.com");
      const setRole = (role: string) =>
        server.gql(`mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id } }`, { u: target.user.id, r: role }, { token: root.accessToken });
      await setRole("ADMIN");
      const raw = await rawWs(server.url);
      await raw.init(bearer(target));
      const ticks = { id: "t", type: "subscribe", payload: { query: "subscription { adminTicks }" } };
      raw.send(ticks);
      raw.send({ type: "complete", id: "t" });
      raw.send(ticks);
      await sleep(300);
      await setRole("USER");
      await sleep(300); // the demotion has been applied
      const after = raw.messages.length;
      await sleep(400); // adminTicks yields every 100 ms
      expect(raw.messages.slice(after).filter((m) => m.type === "next")).toEqual([]);
      expect(raw.messages).toContainEqual(expect.objectContaining({ id: "t", type: "error", payload: [expect.objectContaining({ extensions: { code: "BAD_REQUEST" } })] }));
      raw.socket.close();
    });

    it("a socket whose session is revoked between its token check and its ack is closed 4403 within 1 s (not at the 30 s sweep)", async () => {
      const pair = await signup(server, "handshake-race@example.com");
      const viewers = server.app.auth.viewers;
      const authenticate = viewers.authenticate.bind(viewers);
      const spy = jest.spyOn(viewers, "authenticate").mockImplementationOnce(async (authorization) => {
        const checked = await authenticate(authorization); // the session is live now…
        await server.gql("mutation { logoutAll }", {}, { token: pair.accessToken }); // …and revoked before the ack
        return checked;
      });
      try {
        const client = wsClient(server.url, bearer(pair));
        const revokedAt = Date.now();
        const closed = await Promise.race([client.closed, sleep(2500).then(() => null)]);
        expect(closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
        expect((closed?.at ?? Infinity) - revokedAt).toBeLessThan(1000);
      } finally {
        spy.mockRestore();
      }
    });

    it("an ADMIN subscription whose user is demoted while it is being admitted ends with FORBIDDEN within 1 s", async () => {
      const root = (await login(server, ADMIN_ENV.BOOTSTRAP_ADMIN_EMAIL, ADMIN_ENV.BOOTSTRAP_ADMIN_PASSWORD)).body.data?.login as Pair;
      const target = await signup(server, "admit-race@example.com");
      const setRole = (role: string) =>
        server.gql(`mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id } }`, { u: target.user.id, r: role }, { token: root.accessToken });
      await setRole("ADMIN");
      const client = wsClient(server.url, bearer(target));
      await client.connected;
      const viewers = server.app.auth.viewers;
      const authenticate = viewers.authenticate.bind(viewers);
      const spy = jest.spyOn(viewers, "authenticate").mockImplementationOnce(async (authorization) => {
        const checked = await authenticate(authorization); // still ADMIN for this context…
        await setRole("USER"); // …demoted before the subscription is registered
        return checked;
      });
      try {
        const ticks = client.subscribe<{ adminTicks: number }>("subscription { adminTicks }");
        const started = Date.now();
        const errors = await Promise.race([ticks.error, sleep(2500).then(() => "still ticking")]);
        expect(errors).toEqual([expect.objectContaining({ extensions: { code: "FORBIDDEN" } })]);
        expect(Date.now() - started).toBeLessThan(1500);
      } finally {
        spy.mockRestore();
        await client.dispose();
      }
    });

  });

  describe("errors over the socket carry the codes HTTP gives, never INTERNAL_SERVER_ERROR", () => {
    it.each([
      ["several operations and no name", { query: "query A { __typename } query B { __typename }" }, "BAD_REQUEST", /operation name/],
      ["an unknown operation name", { query: "query A { __typename }", operationName: "Z" }, "BAD_REQUEST", /Unknown operation named "Z"/],
      ["a variable of the wrong type", { query: "query ($a: Boolean!) { __typename @include(if: $a) }", variables: { a: "x" } }, "BAD_USER_INPUT", /\$a/],
      ["a missing required variable", { query: "query ($a: Boolean!) { __typename @include(if: $a) }" }, "BAD_USER_INPUT", /\$a/],
    ])("%s", async (_what, payload, code, message) => {
      const raw = await rawWs(server.url);
      await raw.init();
      raw.send({ type: "subscribe", id: "1", payload });
      const answer = await raw.waitFor((m) => m.id === "1");
      expect(answer).toMatchObject({ type: "error", payload: [{ extensions: { code } }] });
      expect((answer.payload as Array<{ message: string }>)[0]?.message).toMatch(message);
      raw.socket.close();
    });
  });

  describe("handshake and protocol abuse", () => {
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
      const { counter, restore } = countListeners();
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

  describe("operation budget", () => {
    it("a clock set back does not starve a socket's operation budget", async () => {
      const client = wsClient(server.url);
      await client.connected;
      server.clock.advance(60_000);
      expect((await client.subscribe("{ __typename }").nextResults(1))[0]?.data).toEqual({ __typename: "Query" });
      server.clock.reset(); // one minute back
      const again = client.subscribe("{ __typename }");
      expect(await again.error).toBeNull();
      expect(again.results[0]?.data).toEqual({ __typename: "Query" });
      await client.dispose();
    });
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

describe("GraphQL websockets shutting down under a stream of operations, PGlite", () => {
  it("refuses operations sent during the drain (SERVICE_UNAVAILABLE), answers the running ones, and closes 1001 without waiting out the grace", async () => {
    const server = await startServer({ modules: [...MODULES, adminFeed] });
    const raw = await rawWs(server.url);
    await raw.init();
    const sentAt = new Map<string, number>();
    let closedAt = Infinity;
    void raw.closed.then(() => (closedAt = Date.now()));
    let n = 0;
    const stream = setInterval(() => {
      const id = `q${n++}`;
      sentAt.set(id, Date.now());
      raw.send({ type: "subscribe", id, payload: { query: "{ slowPing }" } });
    }, 100);
    await sleep(350);
    const closingAt = Date.now();
    const closing = server.close();
    const closed = await raw.closed;
    clearInterval(stream);
    await closing;
    expect(closed.code).toBe(1001);
    expect(closedAt - closingAt).toBeLessThan(2000); // the grace is 5 s
    const answers = new Map(raw.messages.filter((m) => m.type === "next" || m.type === "error").map((m) => [m.id, m]));
    for (const [id, at] of sentAt) {
      if (at > closedAt - 50) continue; // still on the wire when the server closed
      const answer = answers.get(id);
      if (answer?.type === "next") expect(answer.payload).toEqual({ data: { slowPing: 1 } });
      else expect(answer).toMatchObject({ type: "error", payload: [{ extensions: { code: "SERVICE_UNAVAILABLE" } }] });
    }
    expect([...answers.values()].some((m) => m.type === "error")).toBe(true);
  });
});
