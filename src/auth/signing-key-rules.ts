import type { AsymmetricAlgorithm } from "./key-material";
import type { KeyTransition, SigningKeyRecord } from "./signing-key-records";

/**
 * When keys may move, decided from the records and the time alone (no effects), so the rules are
 * tested with a fixed clock and every instance applies the same ones.
 */
export interface KeyTiming {
  /**
   * How long a NEXT key must have been published before it may sign: JWKS_MAX_AGE (a verifier's
   * cached set then includes it) plus how stale another instance's view of the keys can be, plus
   * the clock tolerance between instances.
   */
  promotionDelayMs: number;
  /**
   * How long a PREVIOUS key stays published: ACCESS_TOKEN_TTL + JWKS_MAX_AGE + clock tolerance +
   * staleness, so every token it signed, even on an instance that learned of the rotation late,
   * expires before its key disappears.
   */
  previousRetentionMs: number;
  /** SIGNING_KEY_ROTATION; null rotates only on request. */
  rotationMs: number | null;
  /**
   * A key set read longer ago than this is served as stale (no-cache): the promotion delay counts
   * on no instance publishing a view older than the reload interval plus this margin.
   */
  staleAfterMs: number;
}

export interface KeySet {
  current: SigningKeyRecord | null;
  next: SigningKeyRecord | null;
  previous: SigningKeyRecord[];
}

export function keySet(records: readonly SigningKeyRecord[]): KeySet {
  return {
    current: records.find((k) => k.state === "CURRENT") ?? null,
    next: records.find((k) => k.state === "NEXT") ?? null,
    previous: records.filter((k) => k.state === "PREVIOUS"),
  };
}

/** When the NEXT key may start signing. */
export function promotableAt(next: SigningKeyRecord, timing: KeyTiming): Date {
  return new Date(next.createdAt.getTime() + timing.promotionDelayMs);
}

/** When a PREVIOUS key leaves the key set on its own. */
export function retiresAt(previous: SigningKeyRecord, timing: KeyTiming): Date {
  return new Date((previous.retiredAt ?? previous.createdAt).getTime() + timing.previousRetentionMs);
}

/** CURRENT → PREVIOUS and NEXT → CURRENT, the current one first (one CURRENT at a time). */
export function rotation(set: KeySet, at: Date): KeyTransition[] {
  const moves: KeyTransition[] = [];
  if (set.current) moves.push({ kid: set.current.kid, from: "CURRENT", to: "PREVIOUS", at });
  if (set.next) moves.push({ kid: set.next.kid, from: "NEXT", to: "CURRENT", at });
  return moves;
}

/** PREVIOUS keys whose tokens have all expired everywhere. */
export function dueRetirements(set: KeySet, now: Date, timing: KeyTiming): KeyTransition[] {
  return set.previous
    .filter((key) => retiresAt(key, timing).getTime() <= now.getTime())
    .map((key) => ({ kid: key.kid, from: "PREVIOUS", to: "REVOKED", at: now }));
}

/** Scheduled rotation is due, and the NEXT key is publishable-safe to sign. */
export function scheduledRotationDue(set: KeySet, now: Date, timing: KeyTiming): boolean {
  if (timing.rotationMs === null || !set.current || !set.next) return false;
  const since = (set.current.activatedAt ?? set.current.createdAt).getTime();
  return since + timing.rotationMs <= now.getTime() && promotableAt(set.next, timing).getTime() <= now.getTime();
}

/**
 * JWT_ALGORITHM changed: the CURRENT key is of the old algorithm and the NEXT one, of the new, has
 * been published long enough. Switching is a rotation like any other, so no verifier breaks.
 */
export function algorithmSwitchDue(set: KeySet, now: Date, timing: KeyTiming, algorithm: AsymmetricAlgorithm): boolean {
  if (!set.current || !set.next || set.current.algorithm === algorithm || set.next.algorithm !== algorithm) return false;
  return promotableAt(set.next, timing).getTime() <= now.getTime();
}
