import type { VerificationKey } from "../auth/access-token-verification";
import { type BoundedResponse, FetchFailure, type FetchLike, fetchBounded } from "./bounded-fetch";
import { jwksFreshSeconds } from "./cache-control";
import { type KeySet, parseKeySet } from "./jwk-set";

export interface JwksCacheOptions {
  url: string;
  fetch: FetchLike;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** An unknown `kid` causes a refetch at most this often (and so does a failed fetch). */
  refetchCooldownMs: number;
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
  onError: (error: unknown) => void;
}

/** No key set has ever been fetched: nothing can be verified, and that is an outage, not a bad token. */
export class JwksUnavailable extends Error {
  override readonly name = "JwksUnavailable";
}

/** A failed fetch is retried no sooner than this, so an outage does not turn every request into one. */
const MAX_FAILURE_BACKOFF_MS = 5_000;

/**
 * The issuer's published keys. Fresh for the response's `max-age`; refetched when stale, and on
 * an unknown `kid` at most once per cooldown (jose's `createRemoteJWKSet` rule), the one way a
 * token can force a request. Concurrent callers share one request. A failed fetch keeps the last
 * good set: verifiers keep working through an issuer outage with the keys they had.
 */
export class JwksCache {
  private keys: KeySet | null = null;
  private etag: string | null = null;
  private freshUntil = 0;
  /** When the last fetch started, successful or not. */
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;

  constructor(private readonly options: JwksCacheOptions) {}

  /** The key for `kid`; null when the issuer does not publish it. Throws JwksUnavailable. */
  async keyFor(kid: string): Promise<VerificationKey | null> {
    if (this.options.now() >= this.freshUntil) await this.refresh();
    // A fetch already under way (another caller's unknown kid) may bring this one too.
    else if (this.inflight) await this.inflight;
    if (this.keys && !this.keys.has(kid) && this.options.now() - this.lastFetchAt >= this.options.refetchCooldownMs) {
      await this.refresh();
    }
    if (!this.keys) throw new JwksUnavailable(`no key set could be fetched from ${this.options.url}`);
    return this.keys.get(kid)?.verification ?? null;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.fetchOnce().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async fetchOnce(): Promise<void> {
    const startedAt = this.options.now();
    this.lastFetchAt = startedAt;
    try {
      const response = await this.request();
      if (response.status === 304 && this.keys) {
        this.freshUntil = startedAt + jwksFreshSeconds(response.headers) * 1000;
        return;
      }
      if (response.status !== 200) throw new FetchFailure(`GET ${this.options.url} answered HTTP ${response.status}`);
      this.keys = parseKeySet(response.body, this.keys ?? new Map());
      this.etag = response.headers.get("etag");
      this.freshUntil = startedAt + jwksFreshSeconds(response.headers) * 1000;
    } catch (error) {
      this.freshUntil = startedAt + Math.min(this.options.refetchCooldownMs, MAX_FAILURE_BACKOFF_MS);
      this.options.onError(error);
    }
  }

  private request(): Promise<BoundedResponse> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.etag && this.keys) headers["if-none-match"] = this.etag;
    const { fetch, timeoutMs, maxBytes, signal } = this.options;
    return fetchBounded(fetch, this.options.url, { method: "GET", headers }, { timeoutMs, maxBytes, signal });
  }
}
