import jwt from "jsonwebtoken";
import { type AccessTokenClaims, ACCESS_TOKEN_TYPE, type ClaimsPolicy, readTokenHeader, verifyAccessToken } from "./access-token-verification";
import type { Clock } from "./clock";
import { unauthenticated } from "./errors";
import type { KeyRing } from "./key-ring";
import type { Role } from "./types";
import { VerifiedTokenCache } from "./verified-token-cache";

/** About 3 MB at most; a busy instance sees far fewer distinct live tokens within their 15 minutes. */
const VERIFIED_TOKENS_CACHED = 10_000;

export type { AccessTokenClaims } from "./access-token-verification";

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clockToleranceSeconds: number;
}

export class AccessTokenService {
  private readonly verified = new VerifiedTokenCache(VERIFIED_TOKENS_CACHED);
  private readonly policy: ClaimsPolicy;

  constructor(
    private readonly settings: AccessTokenSettings,
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {
    this.policy = {
      issuer: settings.issuer,
      audience: settings.audience,
      maxTtlSeconds: settings.ttlSeconds,
      clockToleranceSeconds: settings.clockToleranceSeconds,
    };
    // A key that stops verifying takes every token it signed out of the cache at once.
    keys.onKeyDropped(() => this.verified.clear());
  }

  /** Signed by the CURRENT key, named by `kid` so verifiers pick the right public key. */
  issue(subject: { userId: string; role: Role; sessionId: string; credentialVersion: number; emailVerified: boolean }): { token: string; expiresAt: Date } {
    const signer = this.keys.signer();
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const exp = iat + this.settings.ttlSeconds;
    const payload = {
      sub: subject.userId,
      sid: subject.sessionId,
      role: subject.role,
      cv: subject.credentialVersion,
      email_verified: subject.emailVerified,
      jti: this.newId(),
      iat,
      exp,
      iss: this.settings.issuer,
      aud: this.settings.audience,
    };
    const token = jwt.sign(payload, signer.key, {
      algorithm: signer.algorithm,
      header: { alg: signer.algorithm, typ: ACCESS_TOKEN_TYPE, kid: signer.kid },
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Throws AuthError UNAUTHENTICATED (TOKEN_INVALID / TOKEN_EXPIRED). The key is the one the
   * header's kid names among those this server publishes (an unknown or revoked kid, or none under
   * ES256/RS256, is TOKEN_INVALID). `allowExpired` exists only for logout: an authentic but
   * expired token may still end its own session.
   */
  verify(token: string, options: { allowExpired?: boolean } = {}): AccessTokenClaims {
    if (options.allowExpired === true) return this.verifyFully(token, options);
    const cacheKey = VerifiedTokenCache.keyOf(token);
    const known = this.verified.get(cacheKey);
    if (known) return this.stillValid(cacheKey, known);
    // Frozen: every later request with this token shares the object.
    const claims = Object.freeze(this.verifyFully(token, options));
    this.verified.set(cacheKey, claims);
    return claims;
  }

  /**
   * A token verified earlier by this process: its signature, issuer, audience, type and lifetime
   * cannot have changed, and a not-before or issued-at that passed then still passes. Expiry and
   * the signing key's standing can change, so they are checked again (as jsonwebtoken would).
   */
  private stillValid(cacheKey: string, claims: AccessTokenClaims): AccessTokenClaims {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (now >= claims.exp + this.settings.clockToleranceSeconds) {
      this.verified.delete(cacheKey);
      throw unauthenticated("TOKEN_EXPIRED");
    }
    if (!this.keyTrusted(claims)) {
      this.verified.delete(cacheKey);
      throw unauthenticated("TOKEN_INVALID");
    }
    return claims;
  }

  private verifyFully(token: string, options: { allowExpired?: boolean }): AccessTokenClaims {
    const header = readTokenHeader(token);
    const key = header ? this.keys.lookup(header.kid) : null;
    if (!key) throw unauthenticated("TOKEN_INVALID");
    return verifyAccessToken(token, key, this.policy, Math.floor(this.clock.now().getTime() / 1000), options);
  }

  /** Whether the key that signed these claims still verifies (a revoked key's sockets must close). */
  keyTrusted(claims: AccessTokenClaims): boolean {
    return this.keys.lookup(claims.kid) !== null;
  }
}
