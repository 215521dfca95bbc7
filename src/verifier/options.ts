import type { FetchLike } from "./bounded-fetch";
import type { IntrospectionOptions } from "./introspection";

export interface TokenVerifierOptions {
  /** The auth server's ISSUER (the `iss` of its tokens). */
  issuer: string;
  /** The `aud` its tokens carry for this deployment (the server's AUDIENCE). */
  audience: string;
  /** `<PUBLIC_URL>/.well-known/jwks.json` of the auth server. */
  jwksUrl: string;
  /** The server's ACCESS_TOKEN_TTL in seconds: a token valid for longer is refused. Default 900 (its default). */
  maxTtlSeconds?: number;
  /** Allowed clock skew with the auth server. Default 5 (the server's). */
  clockToleranceSeconds?: number;
  /** Ask the server's token-status endpoint about each token, to learn of revocations before `exp`. */
  introspection?: IntrospectionOptions;
  /** An unknown `kid` refetches the JWKS at most this often. Default 30 000. */
  refetchCooldownMs?: number;
  /** Deadline of one JWKS or status request, body included. Default 5 000. */
  timeoutMs?: number;
  /** Largest JWKS or status response read. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Told of every failed JWKS or status request (the verifier itself never throws). Default: a process warning. */
  onError?: (error: unknown) => void;
  /** For tests: the HTTP client (default: the global fetch) and the clock (ms since the epoch). */
  fetch?: FetchLike;
  now?: () => number;
}

export type ResolvedOptions = Required<Omit<TokenVerifierOptions, "introspection">> & Pick<TokenVerifierOptions, "introspection">;

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error.message : String(error), { code: "GRAPHQL_AUTH_VERIFIER" });
}

/** Fails fast on a configuration that could only ever refuse every token (or accept too many). */
export function resolveOptions(options: TokenVerifierOptions): ResolvedOptions {
  for (const name of ["issuer", "audience", "jwksUrl"] as const) {
    if (typeof options[name] !== "string" || options[name] === "") throw new TypeError(`createTokenVerifier: \`${name}\` is required`);
  }
  for (const url of [options.jwksUrl, options.introspection?.url]) {
    if (url !== undefined && !/^https?:\/\//.test(url)) throw new TypeError(`createTokenVerifier: ${url} is not an http(s) URL`);
  }
  const intro = options.introspection;
  if (intro && (!intro.clientId || !intro.clientSecret)) throw new TypeError("createTokenVerifier: introspection needs clientId and clientSecret");
  return {
    issuer: options.issuer,
    audience: options.audience,
    jwksUrl: options.jwksUrl,
    maxTtlSeconds: options.maxTtlSeconds ?? 900,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
    introspection: intro,
    refetchCooldownMs: options.refetchCooldownMs ?? 30_000,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxResponseBytes: options.maxResponseBytes ?? 64 * 1024,
    onError: options.onError ?? warn,
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    now: options.now ?? Date.now,
  };
}
