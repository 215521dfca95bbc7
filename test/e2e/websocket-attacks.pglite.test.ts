import { MODULES } from "../../src/modules";
import { adminFeed } from "../support/admin-feed-module";
import { rawWs } from "../support/raw-ws";
import { login, type Pair, signup, startServer, type TestServer } from "../support/server";
import { bearer, countListeners, outcome, SESSION_EVENTS, sleep } from "../support/ws-attack";
import { wsClient } from "../support/ws-client";
import { ADMIN_ENV } from "./websocket";

const PER_USER = 3;

/**
 * Attacks on the websocket transport that found something, each against the real server over real
 * sockets: every test here failed before the fix its describe names (see the commits that added them).
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
      const { counter, restore } = countListeners(server);
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
    const latecomer = wsClient(server.url); // a handshake during the drain is never served
    expect(await outcome(latecomer)).not.toBe("connected");
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
