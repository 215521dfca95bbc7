import type { FastifyInstance, FastifyReply } from "fastify";
import { acceptsGzip } from "./accept-encoding";
import { etagMatches } from "./etag";
import { loadGraphiQLAssets } from "./graphiql-assets";
import { buildGraphiQLPage, type GraphiQLPage, type GraphiQLPageOptions } from "./graphiql-page";
import { CACHEABLE } from "./no-store";

export const GRAPHIQL_PATH = "/graphiql";

/** Headers of the page and of its 304s. */
const PAGE_HEADERS = {
  // The page holds no user data, and 9 MB: browsers keep it and revalidate it (ETag) on every load.
  "cache-control": "no-cache",
  vary: "accept-encoding",
  "x-content-type-options": "nosniff",
  // Clickjacking: the page acts with whatever token its headers editor holds. CSP frame-ancestors says the same.
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
} as const;

/**
 * GET /graphiql: GraphiQL with every asset inlined, for development without a network. The page
 * is built on its first request (the assets are 9 MB, gzipped once) and then served from memory.
 */
export function registerGraphiQLRoute(app: FastifyInstance, options: GraphiQLPageOptions): void {
  let page: Promise<GraphiQLPage> | undefined;
  const built = (): Promise<GraphiQLPage> =>
    (page ??= Promise.resolve()
      .then(() => buildGraphiQLPage(loadGraphiQLAssets(), options))
      .catch((error: unknown) => {
        page = undefined;
        throw error;
      }));

  app.get(GRAPHIQL_PATH, { config: CACHEABLE }, async (request, reply) => {
    const { html, gzipped, etag, contentSecurityPolicy } = await built();
    void reply.headers(PAGE_HEADERS).header("etag", etag);
    if (etagMatches(request.headers["if-none-match"], etag)) return reply.status(304).send();
    void reply.type("text/html; charset=utf-8").header("content-security-policy", contentSecurityPolicy);
    return sendEncoded(reply, acceptsGzip(request.headers["accept-encoding"]) ? gzipped : null, html);
  });
}

function sendEncoded(reply: FastifyReply, gzipped: Buffer | null, identity: Buffer): FastifyReply {
  return gzipped ? reply.header("content-encoding", "gzip").send(gzipped) : reply.send(identity);
}
