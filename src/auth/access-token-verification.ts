import type { KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { unauthenticated } from "./errors";
import { ROLES, type Role } from "./types";

/**
 * How an access token is checked, shared by the server and the verifier kit other services use
 * (src/verifier): it imports nothing of the server (no database, no Apollo, no argon2).
 */

export const SIGNING_ALGORITHMS = ["ES256", "RS256", "HS256"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
/** RFC 9068 media type; distinguishes access tokens from any other JWT signed with the same key. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
export const MAX_TOKEN_LENGTH = 4096;
/**
 * Header parameters that point at key material chosen by the sender (RFC 8725 §3.10): we look keys
 * up by `kid` among our own, so a token carrying one was not made by us.
 */
const FOREIGN_KEY_PARAMETERS = ["jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256"] as const;

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  role: Role;
  jti: string;
  iat: number;
  exp: number;
  /** The session's credential version at issue: a password change retires every earlier token. */
  cv: number;
  /**
   * OIDC `email_verified` as of issue (false for tokens minted before it existed). Services that
   * only see the token use it for @auth(verified: true); this server reads the live value instead.
   */
  emailVerified: boolean;
  /** The key that signed it (from the header; null for HS256 tokens minted before kids existed). */
  kid: string | null;
}

/** A key a token may be checked with; `kid` null only for HS256 tokens minted before kids existed. */
export interface VerificationKey {
  kid: string | null;
  algorithm: SigningAlgorithm;
  key: KeyObject;
}

export interface ClaimsPolicy {
  issuer: string;
  audience: string;
  /** ACCESS_TOKEN_TTL: no token may be valid for longer than this. */
  maxTtlSeconds: number;
  clockToleranceSeconds: number;
}

export interface TokenHeader {
  kid: string | null;
  alg: string;
}

/** The unverified header, only to pick the key; null when the token is not a JWS we could issue. */
export function readTokenHeader(token: string): TokenHeader | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.header !== "object") return null;
  const header = decoded.header as unknown as Record<string, unknown>;
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== "string" || kid.length === 0 || kid.length > 128)) return null;
  if (typeof header.alg !== "string") return null;
  return { kid: typeof kid === "string" ? kid : null, alg: header.alg };
}

/**
 * Throws AuthError UNAUTHENTICATED (TOKEN_INVALID / TOKEN_EXPIRED). The algorithm comes from the
 * key, never from the header (RFC 8725 §3.1): an HS256 token "signed" with a public key, or an
 * ES256 header on an RSA key, fails. `allowExpired` exists only for logout.
 */
export function verifyAccessToken(
  token: string,
  key: VerificationKey,
  policy: ClaimsPolicy,
  nowSeconds: number,
  options: { allowExpired?: boolean } = {},
): AccessTokenClaims {
  if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated("TOKEN_INVALID");
  let decoded: jwt.Jwt;
  try {
    decoded = jwt.verify(token, key.key, {
      algorithms: [key.algorithm],
      issuer: policy.issuer,
      audience: policy.audience,
      clockTolerance: policy.clockToleranceSeconds,
      clockTimestamp: nowSeconds,
      ignoreExpiration: options.allowExpired === true,
      complete: true,
    });
  } catch (error) {
    throw unauthenticated(error instanceof jwt.TokenExpiredError ? "TOKEN_EXPIRED" : "TOKEN_INVALID");
  }
  assertHeader(decoded.header as unknown as Record<string, unknown>, key);
  const claims = parseClaims(decoded.payload, key.kid);
  assertIssuedByPolicy(claims, policy, nowSeconds);
  return claims;
}

function assertHeader(header: Record<string, unknown>, key: VerificationKey): void {
  const typ = header.typ;
  if (typeof typ !== "string" || typ.toLowerCase() !== ACCESS_TOKEN_TYPE) throw unauthenticated("TOKEN_INVALID");
  if (header.alg !== key.algorithm) throw unauthenticated("TOKEN_INVALID");
  if ((header.kid ?? null) !== key.kid) throw unauthenticated("TOKEN_INVALID");
  // RFC 7515 §4.1.11: a recipient must refuse a token whose `crit` names extensions it does not
  // understand, and we understand none; jsonwebtoken ignores the parameter.
  if (Object.hasOwn(header, "crit")) throw unauthenticated("TOKEN_INVALID");
  if (FOREIGN_KEY_PARAMETERS.some((name) => Object.hasOwn(header, name))) throw unauthenticated("TOKEN_INVALID");
}

/**
 * Only tokens shaped like the ones we issue: no longer-lived than ACCESS_TOKEN_TTL (a token
 * minted elsewhere with the same key, or before the TTL was lowered, must not outlive policy),
 * and not issued in the future, which would let a short `exp - iat` still end far ahead.
 */
function assertIssuedByPolicy(claims: AccessTokenClaims, policy: ClaimsPolicy, now: number): void {
  const tolerance = policy.clockToleranceSeconds;
  if (claims.exp - claims.iat > policy.maxTtlSeconds + tolerance) throw unauthenticated("TOKEN_INVALID");
  if (claims.iat > now + tolerance) throw unauthenticated("TOKEN_INVALID");
}

/** jsonwebtoken checks signature and registered claims; shape and presence are ours to enforce. */
function parseClaims(payload: unknown, kid: string | null): AccessTokenClaims {
  if (typeof payload !== "object" || payload === null) throw unauthenticated("TOKEN_INVALID");
  const p = payload as Record<string, unknown>;
  const strings = [p.sub, p.sid, p.jti].every((v) => typeof v === "string" && v.length > 0);
  const numbers = typeof p.iat === "number" && typeof p.exp === "number";
  const role = ROLES.find((r) => r === p.role);
  // Tokens issued before `cv` existed belong to sessions that were all migrated at version 0.
  const cv = p.cv === undefined ? 0 : p.cv;
  const version = typeof cv === "number" && Number.isSafeInteger(cv) && cv >= 0;
  if (!strings || !numbers || !role || !version) throw unauthenticated("TOKEN_INVALID");
  return {
    sub: p.sub as string,
    sid: p.sid as string,
    jti: p.jti as string,
    role,
    iat: p.iat as number,
    exp: p.exp as number,
    cv: cv as number,
    emailVerified: p.email_verified === true,
    kid,
  };
}
