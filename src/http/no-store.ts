import type { FastifyInstance } from "fastify";

/**
 * Responses carry tokens, session lists and per-user errors: no browser, proxy or CDN may keep a
 * copy (RFC 6749 §5.1, RFC 9111). Set on every response, errors and GETs included, after every
 * other handler has had its say. Pragma is for HTTP/1.0 caches that ignore Cache-Control.
 */
export function forbidCaching(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply) => {
    void reply.header("cache-control", "no-store");
    void reply.header("pragma", "no-cache");
  });
}
