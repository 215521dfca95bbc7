import WebSocket from "ws";

export interface RawWs {
  socket: WebSocket;
  /** Every message received, parsed when it is JSON. */
  messages: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: Record<string, unknown> | string): void;
  /** Resolves with the first message (already received or not) that `match` accepts. */
  waitFor(match: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends `connection_init` and waits for the ack (or throws with the close). */
  init(payload?: Record<string, unknown>): Promise<void>;
}

/**
 * A graphql-transport-ws socket driven by hand, for what the graphql-ws client refuses to do:
 * messages out of order, duplicates, garbage, leaving mid-handshake.
 */
export async function rawWs(baseUrl: string): Promise<RawWs> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  const messages: Array<Record<string, unknown>> = [];
  const wakers = new Set<() => void>();
  socket.on("message", (data) => {
    try {
      messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    } catch {
      messages.push({ raw: String(data) });
    }
    for (const wake of wakers) wake();
  });
  socket.on("error", () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const wake of wakers) wake();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const raw: RawWs = {
    socket,
    messages,
    closed,
    send: (message) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    async waitFor(match, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (socket.readyState === socket.CLOSED || Date.now() > deadline) {
          throw new Error(`no matching message (state ${socket.readyState}): ${JSON.stringify(messages)}`);
        }
        await new Promise<void>((resolve) => {
          wakers.add(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    async init(payload) {
      raw.send({ type: "connection_init", ...(payload ? { payload } : {}) });
      await raw.waitFor((m) => m.type === "connection_ack");
    },
  };
  return raw;
}
