import { createHash, timingSafeEqual } from "node:crypto";

export type RandomBytes = (size: number) => Buffer;

const TOKEN_BYTES = 32; // 256 bits: unguessable, so a fast hash (not argon2) is the right storage.
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Opaque bearer tokens: refresh tokens and the mailed account tokens (verification, reset, email
 * change, invite) share this one codec.
 */
export function generateOpaqueToken(randomBytes: RandomBytes): { token: string; hash: string } {
  return generateRefreshToken(randomBytes);
}

export const hashOpaqueToken = (token: string): string => hashRefreshToken(token);

export const looksLikeOpaqueToken = (token: string): boolean => looksLikeRefreshToken(token);

export function generateRefreshToken(randomBytes: RandomBytes): { token: string; hash: string } {
  const token = randomBytes(TOKEN_BYTES).toString("base64url");
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Cheap shape check so obvious garbage never reaches the database. */
export function looksLikeRefreshToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * Lookup is by the hash's unique index; this re-check in constant time guards against a store
 * that matched loosely (collation, prefix) and keeps comparison free of early exits.
 */
export function tokenHashMatches(storedHash: string, presentedToken: string): boolean {
  const a = Buffer.from(storedHash, "hex");
  const b = Buffer.from(hashRefreshToken(presentedToken), "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
