import type { FastifyInstance } from "fastify";

/**
 * Once closing starts, every response (including those of requests already in flight) carries
 * `Connection: close`, so Node ends each keep-alive socket after its last response. Otherwise a
 * keep-alive client would hold `server.close()` open for the whole keep-alive timeout
 * (HTTP_KEEPALIVE_TIMEOUT, up to 10 min), past the shutdown deadline, and the process would be killed with exit code 1.
 */
export function closeConnectionsWhileDraining(app: FastifyInstance): void {
  let draining = false;
  app.addHook("preClose", async () => {
    draining = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (draining) void reply.header("connection", "close");
  });
}
