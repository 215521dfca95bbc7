import {
  type AccessTokenClaims,
  type ClaimsPolicy,
  readTokenHeader,
  verifyAccessToken,
} from "../auth/access-token-verification";
import { extractBearer } from "../auth/bearer";
import { isAuthError, isUnauthenticatedReason, type UnauthenticatedReason } from "../auth/errors";
import { IntrospectionClient } from "./introspection";
import { JwksCache, JwksUnavailable } from "./jwks-cache";
import { resolveOptions, type TokenVerifierOptions } from "./options";
import { outage, refused, signedIn, type VerifyResult } from "./result";

export interface TokenVerifier {
  /** The caller behind an `Authorization` header value. Never throws, never rejects. */
  verify(authorization: string | undefined): Promise<VerifyResult>;
  /** Aborts requests under way (JWKS, status); for shutdown. */
  close(): void;
}

/**
 * Only what other services can verify: asymmetric keys published in the JWKS. An HS256 token
 * (whose secret no other service holds) is refused before any key lookup, so it cannot even
 * trigger a refetch.
 */
const PUBLISHED_ALGORITHMS = new Set(["ES256", "RS256"]);

/**
 * Verifies the auth server's access tokens in another service: signature by a key from the
 * server's JWKS (chosen by `kid`, algorithm from the key), `typ`, `iss`, `aud`, expiry and the
 * server's lifetime policy, then optionally the session's live status.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const settings = resolveOptions(options);
  const closing = new AbortController();
  const http = { fetch: settings.fetch, now: settings.now, timeoutMs: settings.timeoutMs, maxBytes: settings.maxResponseBytes, signal: closing.signal };
  const jwks = new JwksCache({ ...http, url: settings.jwksUrl, refetchCooldownMs: settings.refetchCooldownMs, onError: settings.onError });
  const introspection = settings.introspection ? new IntrospectionClient(settings.introspection, http) : null;
  const policy: ClaimsPolicy = {
    issuer: settings.issuer,
    audience: settings.audience,
    maxTtlSeconds: settings.maxTtlSeconds,
    clockToleranceSeconds: settings.clockToleranceSeconds,
  };

  /** The verified claims, or why the token is refused. Throws only for an outage. */
  async function claimsOf(token: string): Promise<AccessTokenClaims | UnauthenticatedReason> {
    const header = readTokenHeader(token);
    if (!header || header.kid === null || !PUBLISHED_ALGORITHMS.has(header.alg)) return "TOKEN_INVALID";
    const key = await jwks.keyFor(header.kid);
    if (!key) return "TOKEN_INVALID";
    try {
      return verifyAccessToken(token, key, policy, Math.floor(settings.now() / 1000));
    } catch (error) {
      if (isAuthError(error) && isUnauthenticatedReason(error.reason)) return error.reason;
      throw error;
    }
  }

  async function verify(authorization: string | undefined): Promise<VerifyResult> {
    const token = extractBearer(authorization);
    if (token === null) return refused("TOKEN_MISSING");
    if (token === "") return refused("TOKEN_INVALID");
    try {
      const claims = await claimsOf(token);
      if (typeof claims === "string") return refused(claims);
      if (!introspection) return signedIn(claims, claims.role);
      const status = await introspection.status(token, claims);
      return status.active ? signedIn(claims, status.role) : refused("SESSION_REVOKED");
    } catch (error) {
      // A JWKS outage was reported when its fetch failed.
      if (!(error instanceof JwksUnavailable)) settings.onError(error);
      return outage(error);
    }
  }

  return { verify, close: () => closing.abort() };
}
