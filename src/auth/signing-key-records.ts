import type { AsymmetricAlgorithm, PublicJwk } from "./key-material";

/**
 * NEXT (published, not signing) → CURRENT (signing) → PREVIOUS (published, verifying) → REVOKED
 * (gone). At most one CURRENT and one NEXT at any time; the store enforces it.
 */
export const SIGNING_KEY_STATES = ["NEXT", "CURRENT", "PREVIOUS", "REVOKED"] as const;
export type SigningKeyState = (typeof SIGNING_KEY_STATES)[number];

export interface SigningKeyRecord {
  kid: string;
  algorithm: AsymmetricAlgorithm;
  state: SigningKeyState;
  publicJwk: PublicJwk;
  /** PKCS#8 private key sealed under KEY_ENCRYPTION_KEY (KeyCipher); erased when the key is revoked. */
  sealedPrivateKey: string | null;
  /** When it was first published (as NEXT, or as CURRENT on a first start). */
  createdAt: Date;
  /** When it began signing. */
  activatedAt: Date | null;
  /** When it stopped signing. */
  retiredAt: Date | null;
  revokedAt: Date | null;
}

export interface KeyTransition {
  kid: string;
  from: SigningKeyState;
  to: SigningKeyState;
  at: Date;
}

export interface KeyChange {
  /** Applied in order; the store checks each key is still in `from` (compare-and-set). */
  transitions: KeyTransition[];
  /** Inserted after the transitions. */
  created: SigningKeyRecord[];
}

/** Persistence of signing keys (cold path: start, rotation, a periodic reload). */
export interface SigningKeyStore {
  /** Every key, revoked ones included, oldest first. */
  list(): Promise<SigningKeyRecord[]>;
  /**
   * All or nothing, in one transaction. False (nothing written) when another writer got there
   * first: a key was no longer in its `from` state, or a second CURRENT or NEXT would exist.
   */
  apply(change: KeyChange): Promise<boolean>;
}
