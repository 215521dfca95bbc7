import type { Logger } from "pino";
import type { WebSocket } from "ws";
import type { makeServer } from "graphql-ws";

export interface SocketExtra {
  socket: WebSocket;
}

type GraphqlWsServer<E extends SocketExtra> = ReturnType<typeof makeServer<Record<string, unknown>, E>>;

/** Idle sockets are pinged this often; one that does not answer within the same delay is dropped. */
const KEEP_ALIVE_MS = 12_000;

/**
 * Connects one `ws` socket to a graphql-ws server: the few lines graphql-ws's own adapters
 * hold, here so that failures go to our logger (not the console) and a close is sent once.
 */
export function serveSocket<E extends SocketExtra>(server: GraphqlWsServer<E>, extra: E, logger: Logger): void {
  const { socket } = extra;
  let pongWait: NodeJS.Timeout | null = null;
  const ping = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS);
    socket.once("pong", () => {
      if (pongWait) clearTimeout(pongWait);
      pongWait = null;
    });
    socket.ping();
  }, KEEP_ALIVE_MS);
  ping.unref();
  socket.on("error", (error) => logger.warn({ err: error }, "websocket error"));
  const closed = server.opened(
    {
      protocol: socket.protocol,
      send: (data) =>
        new Promise<void>((resolve, reject) => {
          if (socket.readyState !== socket.OPEN) return resolve();
          socket.send(data, (error) => (error ? reject(error) : resolve()));
        }),
      close: (code, reason) => closeOnce(socket, code ?? 1000, reason ?? ""),
      onMessage: (handle) =>
        socket.on("message", async (data) => {
          try {
            await handle(String(data));
          } catch (error) {
            logger.error({ err: error }, "unexpected error handling a websocket message");
            closeOnce(socket, 1011, "Internal server error");
          }
        }),
    },
    extra,
  );
  socket.once("close", (code, reason) => {
    clearInterval(ping);
    if (pongWait) clearTimeout(pongWait);
    void closed(code, String(reason));
  });
}

/** The first close wins: its code is what the client sees; later ones (graphql-ws's own) are dropped. */
export function closeOnce(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.CLOSING || socket.readyState === socket.CLOSED) return;
  socket.close(code, reason);
}
