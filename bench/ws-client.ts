import { performance } from "node:perf_hooks";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

export interface SocketClose {
  code: number;
  reason: string;
  /** performance.now() when the client saw the close. */
  at: number;
}

/** One signed-in graphql-ws client with a `sessionEvents` subscription, as a real app holds it open. */
export interface BenchSocket {
  closed: Promise<SocketClose>;
  dispose(): Promise<void>;
}

const SESSION_EVENTS = "subscription { sessionEvents { type sessionId current at } }";
const PING = "{ __typename }";

/** Opens `count` sockets for `tokens` (round-robin), `batch` handshakes at a time. */
export async function openSockets(baseUrl: string, tokens: readonly string[], count: number, batch = 50): Promise<BenchSocket[]> {
  const sockets: BenchSocket[] = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const opened = Array.from({ length: size }, (_, i) => openSocket(baseUrl, tokens[(start + i) % tokens.length] ?? ""));
    sockets.push(...(await Promise.all(opened)));
  }
  return sockets;
}

/**
 * The real graphql-ws client, never retrying. Resolves once the server acknowledged the
 * connection, the subscription was sent and a query sent after it came back: the server has
 * read the subscribe message by then, so the socket is fully set up when the bench measures.
 */
async function openSocket(baseUrl: string, token: string): Promise<BenchSocket> {
  let onClosed!: (closed: SocketClose) => void;
  const closed = new Promise<SocketClose>((resolve) => (onClosed = resolve));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    shouldRetry: () => false,
    onNonLazyError: () => undefined,
    connectionParams: { authorization: `Bearer ${token}` },
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: unknown };
        onClosed({ code: e.code, reason: String(e.reason), at: performance.now() });
      },
    },
  });
  client.subscribe({ query: SESSION_EVENTS }, { next: () => undefined, error: () => undefined, complete: () => undefined });
  const early = closed.then((c) => Promise.reject(new Error(`socket closed while opening: ${c.code} ${c.reason}`)));
  await Promise.race([roundTrip(client), early]);
  return { closed, dispose: () => Promise.resolve(client.dispose()) };
}

function roundTrip(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.subscribe({ query: PING }, { next: () => undefined, error: reject, complete: resolve });
  });
}

/** Closes every socket and waits until each has closed (a disposed client closes with 1000). */
export async function closeAll(sockets: readonly BenchSocket[]): Promise<void> {
  await Promise.all(sockets.map((s) => s.dispose()));
  await Promise.all(sockets.map((s) => s.closed));
}
