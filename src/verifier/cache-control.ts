/** When the JWKS response names no lifetime: the server's own default JWKS_MAX_AGE. */
export const DEFAULT_JWKS_MAX_AGE_SECONDS = 600;
/** Longer would keep a removed (revoked) key trusted for more than a day. */
export const MAX_JWKS_MAX_AGE_SECONDS = 86_400;
/** Shorter would turn every verification into a fetch. */
const MIN_JWKS_MAX_AGE_SECONDS = 1;

/**
 * How long a JWKS response may be used, in seconds, from its `Cache-Control` header: `max-age`
 * (clamped to [1 s, 1 day]), the default when absent, the minimum for `no-store`/`no-cache`.
 */
export function jwksMaxAgeSeconds(cacheControl: string | null): number {
  const directives = (cacheControl ?? "").toLowerCase().split(",").map((d) => d.trim());
  if (directives.includes("no-store") || directives.includes("no-cache")) return MIN_JWKS_MAX_AGE_SECONDS;
  const maxAge = directives.find((d) => d.startsWith("max-age="));
  const seconds = maxAge ? Number(maxAge.slice("max-age=".length)) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < 0) return DEFAULT_JWKS_MAX_AGE_SECONDS;
  return Math.min(MAX_JWKS_MAX_AGE_SECONDS, Math.max(MIN_JWKS_MAX_AGE_SECONDS, seconds));
}

/**
 * The lifetime left, in seconds: `max-age` minus the `Age` a cache in between reports (RFC 9111
 * §4.2.3), so a copy a CDN has held for a while is not kept for another full `max-age`.
 */
export function jwksFreshSeconds(headers: { get(name: string): string | null }): number {
  const maxAge = jwksMaxAgeSeconds(headers.get("cache-control"));
  const age = Number(headers.get("age") ?? "0");
  const held = Number.isInteger(age) && age > 0 ? age : 0;
  return Math.max(MIN_JWKS_MAX_AGE_SECONDS, maxAge - held);
}
