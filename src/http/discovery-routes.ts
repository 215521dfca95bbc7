import type { FastifyInstance } from "fastify";
import type { JwksDocument } from "../auth";
import { etagMatches } from "./etag";
import { CACHEABLE } from "./no-store";

export const JWKS_PATH = "/.well-known/jwks.json";
export const OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";
export const INTROSPECTION_PATH = "/introspect";

export interface DiscoveryOptions {
  keys: { jwks(): JwksDocument; readonly algorithm: string };
  issuer: string;
  /** PUBLIC_URL, or the listening address when unset (never the request's Host header, which a client writes). */
  baseUrl(): string;
  jwksMaxAgeSeconds: number;
  introspection: boolean;
}

/**
 * What off-the-shelf verifiers need: the key set (ETag, and cacheable for exactly JWKS_MAX_AGE,
 * the delay a new key waits before it signs) and a discovery document naming it.
 */
export function registerDiscoveryRoutes(app: FastifyInstance, options: DiscoveryOptions): void {
  const cacheControl = `public, max-age=${options.jwksMaxAgeSeconds}`;
  app.get(JWKS_PATH, { config: CACHEABLE }, async (request, reply) => {
    const document = options.keys.jwks();
    void reply.header("cache-control", document.stale ? "no-cache" : cacheControl).header("etag", document.etag);
    if (etagMatches(request.headers["if-none-match"], document.etag)) return reply.status(304).send();
    return reply.type("application/json").send(document.body);
  });
  app.get(OPENID_CONFIGURATION_PATH, { config: CACHEABLE }, async (_request, reply) => {
    const base = options.baseUrl();
    void reply.header("cache-control", cacheControl);
    return {
      issuer: options.issuer,
      jwks_uri: `${base}${JWKS_PATH}`,
      // Every algorithm a published key uses, the configured one first. Under HS256 none: nothing
      // here is verifiable by others, and naming HS256 would only invite verifiers to allow it.
      id_token_signing_alg_values_supported: algorithmsOf(options.keys),
      // Required members of OpenID discovery that strict parsers check; this server issues no ID
      // tokens and has no authorization endpoint, only access tokens and their keys.
      response_types_supported: ["token"],
      subject_types_supported: ["public"],
      ...(options.introspection
        ? { introspection_endpoint: `${base}${INTROSPECTION_PATH}`, introspection_endpoint_auth_methods_supported: ["client_secret_basic"] }
        : {}),
    };
  });
}

function algorithmsOf(keys: DiscoveryOptions["keys"]): string[] {
  const published = keys.jwks().algorithms;
  return published.includes(keys.algorithm) ? [keys.algorithm, ...published.filter((alg) => alg !== keys.algorithm)] : published;
}
