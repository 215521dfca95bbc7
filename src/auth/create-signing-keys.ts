import type { Auditor } from "./auditor";
import type { Clock } from "./clock";
import type { AuthLogger } from "./deps";
import { KeyCipher } from "./key-cipher";
import type { AsymmetricAlgorithm } from "./key-material";
import { KeyRing, type KeyRingSnapshot } from "./key-ring";
import { ManagedSigningKeys } from "./managed-signing-keys";
import type { SecurityEventBus } from "./security-events";
import type { SigningKeyStore } from "./signing-key-records";
import type { KeyTiming } from "./signing-key-rules";
import { FixedSigningKeys, type SigningKeys } from "./signing-keys";

export type SigningKeySettings =
  /** JWT_SECRET or JWT_PRIVATE_KEY_FILE (see secretKeySnapshot, fileKeySnapshot). */
  | { kind: "fixed"; snapshot: KeyRingSnapshot }
  | { kind: "managed"; algorithm: AsymmetricAlgorithm; store: SigningKeyStore; keyEncryptionKey: Buffer; rotationMs: number | null };

export interface KeyLifetimes {
  jwksMaxAgeMs: number;
  accessTokenTtlMs: number;
  clockToleranceMs: number;
}

/** How often an instance re-reads the keys: its view is never staler than this (events make it sooner). */
export function keyReloadIntervalMs(jwksMaxAgeMs: number): number {
  return Math.min(30_000, jwksMaxAgeMs);
}

export function keyTiming(lifetimes: KeyLifetimes, rotationMs: number | null): KeyTiming {
  const staleness = keyReloadIntervalMs(lifetimes.jwksMaxAgeMs);
  return {
    // Clock tolerance too: the instance promoting may run ahead of the one that stamped createdAt.
    promotionDelayMs: lifetimes.jwksMaxAgeMs + staleness + lifetimes.clockToleranceMs,
    previousRetentionMs: lifetimes.accessTokenTtlMs + lifetimes.jwksMaxAgeMs + lifetimes.clockToleranceMs + staleness,
    rotationMs,
    staleAfterMs: staleness + lifetimes.clockToleranceMs,
  };
}

/** A token naming a kid we lack makes us look again, at most this often (random kids cost nothing). */
const MISS_RELOAD_MS = 1_000;

interface KeyDeps {
  clock: Clock;
  logger: AuthLogger;
  auditor: Auditor;
  bus: SecurityEventBus;
}

export function createSigningKeys(settings: SigningKeySettings, lifetimes: KeyLifetimes, deps: KeyDeps): { keys: SigningKeys; ring: KeyRing } {
  if (settings.kind === "fixed") {
    const ring = new KeyRing();
    return { keys: new FixedSigningKeys(ring, settings.snapshot, deps.clock.now()), ring };
  }
  let managed: ManagedSigningKeys | null = null;
  let lastMissReload = Number.NEGATIVE_INFINITY;
  const ring = new KeyRing(() => {
    const now = deps.clock.now().getTime();
    if (!managed || now - lastMissReload < MISS_RELOAD_MS) return;
    lastMissReload = now;
    managed.reload().catch((error: unknown) => deps.logger.warn({ err: error }, "signing keys could not be re-read"));
  });
  managed = new ManagedSigningKeys(
    settings.algorithm,
    { store: settings.store, cipher: new KeyCipher(settings.keyEncryptionKey), ring, ...deps },
    keyTiming(lifetimes, settings.rotationMs),
  );
  const keys = managed;
  deps.bus.subscribe((message) => {
    if (message.type !== "SIGNING_KEYS_CHANGED" && message.type !== "RESYNC") return;
    keys.reload().catch((error: unknown) => deps.logger.warn({ err: error }, "signing keys could not be re-read"));
  });
  return { keys, ring };
}
