/**
 * Reads (never verifies) the access token's claims: the browser only needs its lifetime and its
 * session id. The server checks the signature; a token the kit cannot read is treated as opaque.
 */
export interface ReadableClaims {
  iat?: unknown;
  exp?: unknown;
  /** The session the token belongs to (this server's `sid` claim). */
  sid?: unknown;
}

export function readClaims(token: string): ReadableClaims | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    return typeof claims === "object" && claims !== null ? (claims as ReadableClaims) : null;
  } catch {
    return null;
  }
}

/**
 * Whether two tokens belong to one session. Tokens change at every refresh; the session id does
 * not. When either cannot be read, the kit cannot tell, and trusts the server's answer.
 */
export function sameSession(a: string, b: string): boolean {
  if (a === b) return true;
  const first = readClaims(a)?.sid;
  const second = readClaims(b)?.sid;
  return typeof first !== "string" || typeof second !== "string" || first === second;
}

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  return atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
}
