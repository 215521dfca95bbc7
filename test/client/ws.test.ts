import type { Client, ClientOptions, Sink, SubscribePayload } from "graphql-ws";
import { SessionRequestError } from "../../src/client/session-endpoint";
import { createAuthWsClient, watchSessionEvents } from "../../src/client/ws";
import { fakeApi, gatedSession, until } from "./fake-api";
import { grant } from "./fakes";

/**
 * graphql-ws's client as the kit sees it: the test opens connections (running connectionParams
 * as graphql-ws does) and closes them with the server's codes; 4401 is fatal to every
 * subscription, as in graphql-ws.
 */
function fakeGraphqlWs() {
  let options!: ClientOptions;
  const listeners: Record<string, Array<(...args: unknown[]) => void>> = {};
  const subscriptions = new Set<{ payload: SubscribePayload; sink: Sink<unknown> }>();
  const handshakes: Array<Record<string, unknown>> = [];
  const socket = { closed: [] as Array<{ code: number; reason: string }>, close(code: number, reason: string) { this.closed.push({ code, reason }); } };
  const emit = (event: string, ...args: unknown[]) => (listeners[event] ?? []).forEach((listener) => listener(...args));
  const create = (given: ClientOptions): Client => {
    options = given;
    return {
      on: ((event: string, listener: (...args: unknown[]) => void) => {
        (listeners[event] ??= []).push(listener);
        return () => undefined;
      }) as Client["on"],
      subscribe(payload, sink) {
        const entry = { payload, sink: sink as Sink<unknown> };
        subscriptions.add(entry);
        return () => void subscriptions.delete(entry);
      },
      iterate: () => {
        throw new Error("not used");
      },
      dispose: () => undefined,
      terminate: () => undefined,
    };
  };
  return {
    create,
    subscriptions,
    handshakes,
    socket,
    get options() {
      return options;
    },
    /** A connection: connection_init with the kit's params, then the server's ack. */
    async connect() {
      const params = typeof options.connectionParams === "function" ? await options.connectionParams() : options.connectionParams;
      handshakes.push((params ?? {}) as Record<string, unknown>);
      emit("connected", socket, {}, false);
    },
    /** connection_init refused: the kit's params are read, then 4401 before any ack. */
    async refuseHandshake() {
      const params = typeof options.connectionParams === "function" ? await options.connectionParams() : options.connectionParams;
      handshakes.push((params ?? {}) as Record<string, unknown>);
      this.close(4401);
    },
    /** The server closes the socket; subscriptions fail as graphql-ws fails them. */
    close(code: number) {
      const event = { code, reason: String(code) };
      emit("closed", event);
      const fatal = code === 4401 || !options.shouldRetry?.(event);
      if (!fatal) return;
      for (const entry of [...subscriptions]) {
        subscriptions.delete(entry);
        entry.sink.error(event);
      }
    },
    push(value: unknown) {
      for (const entry of subscriptions) entry.sink.next(value);
    },
  };
}

async function setup() {
  const api = fakeApi();
  const kit = await gatedSession(api);
  const ws = fakeGraphqlWs();
  const client = createAuthWsClient(kit.session, { url: "ws://api.test/graphql", connectionParams: { app: "web" } }, ws.create);
  const sink = () => ({ next: jest.fn(), error: jest.fn(), complete: jest.fn() });
  return { api, kit, ws, client, sink };
}

describe("the websocket client", () => {
  it("opens every connection with a fresh access token, beside the app's own params", async () => {
    const { kit, ws } = await setup();
    await ws.connect();
    expect(ws.handshakes).toEqual([{ app: "web", authorization: `Bearer ${kit.firstToken}` }]);
  });

  it("4401 on three subscriptions: one refresh, each subscribes again, the new connection carries the new token", async () => {
    const { kit, ws, client, sink } = await setup();
    await ws.connect();
    const sinks = [sink(), sink(), sink()];
    sinks.forEach((s, i) => client.subscribe({ query: `subscription S${i} { sessionEvents { type } }` }, s));
    expect(ws.subscriptions.size).toBe(3);
    ws.close(4401);
    kit.openGate();
    await until(() => ws.subscriptions.size === 3, "three subscriptions again");
    expect(kit.refreshes).toHaveLength(1);
    await ws.connect();
    expect(ws.handshakes[1]).toEqual({ app: "web", authorization: `Bearer ${kit.session.accessToken()}` });
    expect(kit.session.accessToken()).not.toBe(kit.firstToken);
    for (const s of sinks) expect(s.error).not.toHaveBeenCalled();
  });

  it("a fresh token refused at the handshake (4401 before any ack) ends the subscription: no loop", async () => {
    const { kit, ws, client, sink } = await setup();
    kit.openGate();
    const s = sink();
    client.subscribe({ query: "subscription { sessionEvents { type } }" }, s);
    await ws.refuseHandshake(); // a token the server already considers expired
    await until(() => ws.subscriptions.size === 1 && kit.refreshes.length === 1, "refreshed, subscribed again");
    await ws.refuseHandshake(); // the refreshed token refused too
    await until(() => s.error.mock.calls.length === 1, "the error");
    expect(s.error).toHaveBeenCalledWith(expect.objectContaining({ code: 4401 }));
    expect(kit.refreshes).toHaveLength(1);
    expect(ws.subscriptions.size).toBe(0);
    expect(ws.handshakes.map((h) => h.authorization)).toEqual([`Bearer ${kit.firstToken}`, `Bearer ${kit.session.accessToken()}`]);
  });

  it("a socket that expires again after an acknowledged reconnection is renewed again", async () => {
    const { kit, ws, client, sink } = await setup();
    kit.openGate();
    const s = sink();
    client.subscribe({ query: "subscription { sessionEvents { type } }" }, s);
    for (let expiry = 1; expiry <= 3; expiry++) {
      await ws.connect();
      ws.close(4401);
      await until(() => ws.subscriptions.size === 1 && kit.refreshes.length === expiry, `renewal ${expiry}`);
    }
    expect(s.error).not.toHaveBeenCalled();
  });

  it("when the refresh fails, the subscription gets the close", async () => {
    const { kit, ws, client, sink } = await setup();
    kit.endpoint.failWith = new SessionRequestError("INVALID_REFRESH_TOKEN", "gone");
    kit.openGate();
    await ws.connect();
    const s = sink();
    client.subscribe({ query: "subscription { sessionEvents { type } }" }, s);
    ws.close(4401);
    await until(() => s.error.mock.calls.length === 1, "the error");
    expect(kit.session.status()).toBe("signed-out");
  });

  it("4403 is never retried and signs the session out; other closes are retried", async () => {
    const { kit, ws, client, sink } = await setup();
    expect(ws.options.shouldRetry?.({ code: 4403, reason: "SESSION_REVOKED" })).toBe(false);
    expect(ws.options.shouldRetry?.({ code: 1006, reason: "" })).toBe(true);
    await ws.connect();
    const s = sink();
    client.subscribe({ query: "subscription { sessionEvents { type } }" }, s);
    ws.close(4403);
    expect(s.error).toHaveBeenCalledWith(expect.objectContaining({ code: 4403 }));
    expect(kit.session.status()).toBe("signed-out");
    expect(kit.refreshes).toHaveLength(0);
  });

  it("a sign-in as someone else restarts an open socket (4205), so it reconnects with the new identity; a refresh does not", async () => {
    const { kit, ws } = await setup();
    await ws.connect();
    kit.openGate();
    await kit.session.refresh();
    expect(ws.socket.closed).toEqual([]);
    await kit.session.signIn(grant("other", kit.clock.now(), 900, null, "s2"));
    expect(ws.socket.closed).toEqual([{ code: 4205, reason: "Client Restart" }]);
  });

  it("iterate() yields what the subscription delivers and ends with it", async () => {
    const { ws, client } = await setup();
    const iterator = client.iterate({ query: "subscription { sessionEvents { type } }" });
    const first = iterator.next();
    ws.push({ data: { n: 1 } });
    await expect(first).resolves.toEqual({ value: { data: { n: 1 } }, done: false });
    await iterator.return?.();
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    expect(ws.subscriptions.size).toBe(0);
  });
});

describe("watchSessionEvents", () => {
  const event = (type: string, current: boolean) => ({ data: { sessionEvents: { type, current, sessionId: "s1", at: "2026-01-01T00:00:00.000Z" } } });

  it("watches while signed in; this session's SESSION_REVOKED signs out, another session's does not", async () => {
    const { kit, ws, client } = await setup();
    await ws.connect();
    const seen: string[] = [];
    watchSessionEvents(kit.session, client, (e) => seen.push(`${e.type}:${e.current}`));
    expect([...ws.subscriptions].map((s) => s.payload.operationName)).toEqual(["AuthKitSessionEvents"]);
    ws.push(event("SESSION_REVOKED", false));
    ws.push(event("SESSION_CREATED", false));
    expect(kit.session.status()).toBe("signed-in");
    ws.push(event("SESSION_REVOKED", true));
    expect(seen).toEqual(["SESSION_REVOKED:false", "SESSION_CREATED:false", "SESSION_REVOKED:true"]);
    await until(() => kit.session.status() === "signed-out", "signed out");
    expect(ws.subscriptions.size).toBe(0);
  });

  it("waits for a sign-in before subscribing, and stops when told to", async () => {
    const { kit, ws, client } = await setup();
    await kit.session.signOut();
    const stop = watchSessionEvents(kit.session, client);
    expect(ws.subscriptions.size).toBe(0);
    await kit.session.signIn(grant("again", kit.clock.now(), 900, null, "s2"));
    expect(ws.subscriptions.size).toBe(1);
    stop();
    expect(ws.subscriptions.size).toBe(0);
  });
});
