import type { FastifyInstance } from "fastify";

/**
 * Route config for public documents meant to be cached (the JWKS and discovery document): their
 * own Cache-Control stands, on success only.
 */
export const CACHEABLE = { cacheable: true } as const;

/**
 * Responses carry tokens, session lists and per-user errors: no browser, proxy or CDN may keep a
 * copy (RFC 6749 §5.1, RFC 9111). Set on every response, errors and GETs included, after every
 * other handler has had its say. Pragma is for HTTP/1.0 caches that ignore Cache-Control.
 */
export function forbidCaching(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply) => {
    if ((reply.routeOptions.config as { cacheable?: boolean } | undefined)?.cacheable === true && reply.statusCode < 400) return;
    void reply.header("cache-control", "no-store");
    void reply.header("pragma", "no-cache");
  });
}
