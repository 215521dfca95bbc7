import type { AccessTokenClaims } from "../auth/access-token-verification";
import { ROLES, type Role } from "../auth/types";
import { FetchFailure, type FetchLike, fetchBounded } from "./bounded-fetch";

export interface IntrospectionOptions {
  /** `<PUBLIC_URL>/introspect` of the auth server. */
  url: string;
  /** One entry of the auth server's SERVICE_CREDENTIALS (`id:secret`). */
  clientId: string;
  clientSecret: string;
  /** How long an answer is reused for the same token: the revocation delay this service accepts. Default 10. */
  cacheSeconds?: number;
}

/** The session behind a token, as the auth server sees it now. */
export type TokenStatus = { active: true; role: Role } | { active: false };

interface ClientSettings {
  fetch: FetchLike;
  now: () => number;
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
}

const DEFAULT_CACHE_SECONDS = 10;
/** Bounds memory under a flood of distinct valid tokens; the oldest answers go first. */
const MAX_CACHED = 10_000;

/**
 * Asks the auth server's token-status endpoint (RFC 7662 shape) whether a token's session is still
 * live. Only tokens whose signature was already verified are asked about, so answers are cached by
 * `jti`. Concurrent checks of one token share a request; failures are never cached.
 */
export class IntrospectionClient {
  private readonly cache = new Map<string, { status: TokenStatus; until: number }>();
  private readonly inflight = new Map<string, Promise<TokenStatus>>();
  private readonly cacheMs: number;
  private readonly authorization: string;

  constructor(private readonly options: IntrospectionOptions, private readonly settings: ClientSettings) {
    this.cacheMs = (options.cacheSeconds ?? DEFAULT_CACHE_SECONDS) * 1000;
    this.authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`;
  }

  /** Throws FetchFailure when the endpoint cannot answer: an outage, not a revoked token. */
  async status(token: string, claims: AccessTokenClaims): Promise<TokenStatus> {
    const now = this.settings.now();
    const cached = this.cache.get(claims.jti);
    if (cached && now < cached.until) return cached.status;
    let pending = this.inflight.get(claims.jti);
    if (!pending) {
      pending = this.ask(token, claims).finally(() => this.inflight.delete(claims.jti));
      this.inflight.set(claims.jti, pending);
    }
    const status = await pending;
    this.remember(claims, status, now);
    return status;
  }

  private remember(claims: AccessTokenClaims, status: TokenStatus, now: number): void {
    this.cache.delete(claims.jti);
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    // Never past the token's own expiry: an expired token is refused locally anyway.
    this.cache.set(claims.jti, { status, until: Math.min(now + this.cacheMs, claims.exp * 1000) });
  }

  private async ask(token: string, claims: AccessTokenClaims): Promise<TokenStatus> {
    const { fetch, timeoutMs, maxBytes, signal } = this.settings;
    const response = await fetchBounded(fetch, this.options.url, {
      method: "POST",
      headers: { authorization: this.authorization, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ token }).toString(),
    }, { timeoutMs, maxBytes, signal });
    // 401 means our service credential is wrong: a misconfiguration to surface, not a verdict on the token.
    if (response.status !== 200) throw new FetchFailure(`POST ${this.options.url} answered HTTP ${response.status}`);
    return parseStatus(response.body, claims, this.options.url);
  }
}

function parseStatus(body: string, claims: AccessTokenClaims, url: string): TokenStatus {
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new FetchFailure(`POST ${url} answered something other than JSON`);
  }
  if (answer?.active === false) return { active: false };
  if (answer?.active !== true) throw new FetchFailure(`POST ${url} answered without a boolean \`active\``);
  // An active answer about another session than the token names is not an answer about this token.
  if (answer.sub !== claims.sub || answer.sid !== claims.sid) return { active: false };
  // The live role wins over the signed one (a demotion applies at once); an unknown one fails closed.
  if (answer.role === undefined) return { active: true, role: claims.role };
  const role = ROLES.find((r) => r === answer.role);
  return role ? { active: true, role } : { active: false };
}
