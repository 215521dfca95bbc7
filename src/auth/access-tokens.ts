import type { KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import type { Clock } from "./clock";
import { unauthenticated } from "./errors";
import { ROLES, type Role } from "./types";

/** RFC 8725 §3.1: the verifier accepts only algorithms it was configured with, never the header's. */
export const ACCESS_TOKEN_ALGORITHMS = ["HS256"] as const;
export type AccessTokenAlgorithm = (typeof ACCESS_TOKEN_ALGORITHMS)[number];
/** RFC 9068 media type; distinguishes access tokens from any other JWT signed with the same key. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
const MAX_TOKEN_LENGTH = 4096;

export interface AccessTokenSettings {
  key: KeyObject;
  algorithm: AccessTokenAlgorithm;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clockToleranceSeconds: number;
}

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  role: Role;
  jti: string;
  iat: number;
  exp: number;
  /** The session's credential version at issue: a password change retires every earlier token. */
  cv: number;
}

export class AccessTokenService {
  constructor(
    private readonly settings: AccessTokenSettings,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  issue(subject: { userId: string; role: Role; sessionId: string; credentialVersion: number }): { token: string; expiresAt: Date } {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const exp = iat + this.settings.ttlSeconds;
    const payload = {
      sub: subject.userId,
      sid: subject.sessionId,
      role: subject.role,
      cv: subject.credentialVersion,
      jti: this.newId(),
      iat,
      exp,
      iss: this.settings.issuer,
      aud: this.settings.audience,
    };
    const token = jwt.sign(payload, this.settings.key, {
      algorithm: this.settings.algorithm,
      header: { alg: this.settings.algorithm, typ: ACCESS_TOKEN_TYPE },
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Throws AuthError UNAUTHENTICATED (TOKEN_INVALID / TOKEN_EXPIRED). `allowExpired` exists only
   * for logout: an authentic but expired token may still end its own session.
   */
  verify(token: string, options: { allowExpired?: boolean } = {}): AccessTokenClaims {
    if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated("TOKEN_INVALID");
    let decoded: jwt.Jwt;
    try {
      decoded = jwt.verify(token, this.settings.key, {
        algorithms: [...ACCESS_TOKEN_ALGORITHMS],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockTolerance: this.settings.clockToleranceSeconds,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
        ignoreExpiration: options.allowExpired === true,
        complete: true,
      });
    } catch (error) {
      throw unauthenticated(error instanceof jwt.TokenExpiredError ? "TOKEN_EXPIRED" : "TOKEN_INVALID");
    }
    const typ: unknown = decoded.header.typ;
    if (typeof typ !== "string" || typ.toLowerCase() !== ACCESS_TOKEN_TYPE) throw unauthenticated("TOKEN_INVALID");
    // RFC 7515 §4.1.11: a recipient must refuse a token whose `crit` names extensions it does not
    // understand, and we understand none; jsonwebtoken ignores the parameter.
    if (Object.hasOwn(decoded.header, "crit")) throw unauthenticated("TOKEN_INVALID");
    const claims = parseClaims(decoded.payload);
    this.assertIssuedByOurPolicy(claims);
    return claims;
  }

  /**
   * Only tokens shaped like the ones we issue: no longer-lived than ACCESS_TOKEN_TTL (a token
   * minted elsewhere with the same key, or before the TTL was lowered, must not outlive policy),
   * and not issued in the future, which would let a short `exp - iat` still end far ahead.
   */
  private assertIssuedByOurPolicy(claims: AccessTokenClaims): void {
    const tolerance = this.settings.clockToleranceSeconds;
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (claims.exp - claims.iat > this.settings.ttlSeconds + tolerance) throw unauthenticated("TOKEN_INVALID");
    if (claims.iat > now + tolerance) throw unauthenticated("TOKEN_INVALID");
  }
}

/** jsonwebtoken checks signature and registered claims; shape and presence are ours to enforce. */
function parseClaims(payload: unknown): AccessTokenClaims {
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
  };
}
