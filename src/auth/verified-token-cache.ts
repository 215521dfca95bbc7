import { createHash } from "node:crypto";
import type { AccessTokenClaims } from "./access-token-verification";

/**
 * Tokens whose signature and claims this process already checked, so the next request with the
 * same token skips the signature (ES256 verification is ~60 µs, most of an authenticated request's
 * crypto). Keyed by the SHA-256 of the whole token, signature included: a token differing in one
 * byte is a miss and is verified in full. What changes with time (expiry) and with the key set
 * (a revoked kid) is checked again on every hit by the caller; session liveness is never cached here.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, AccessTokenClaims>();

  constructor(private readonly maxEntries: number) {}

  static keyOf(token: string): string {
    return createHash("sha256").update(token).digest("base64");
  }

  get(key: string): AccessTokenClaims | undefined {
    const claims = this.entries.get(key);
    if (claims) {
      // Least recently used goes first: re-insert at the end.
      this.entries.delete(key);
      this.entries.set(key, claims);
    }
    return claims;
  }

  set(key: string, claims: AccessTokenClaims): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, claims);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
