import { createHash, type KeyObject } from "node:crypto";
import type { SigningAlgorithm, VerificationKey } from "./access-token-verification";
import { serviceUnavailable } from "./errors";
import type { PublicJwk } from "./key-material";

export interface Signer {
  kid: string;
  algorithm: SigningAlgorithm;
  key: KeyObject;
}

/** What the ring holds at one moment: the signer, every key that verifies, what is published. */
export interface KeyRingSnapshot {
  signer: Signer | null;
  /** NEXT, CURRENT and PREVIOUS keys (a NEXT key verifies: another instance may have promoted it already). */
  verifiers: VerificationKey[];
  /** The public keys a JWKS lists; empty under HS256 (a secret is never published). */
  published: PublicJwk[];
}

export interface JwksDocument {
  body: string;
  etag: string;
  /** The algorithms of the published keys (two while JWT_ALGORITHM changes between ES256 and RS256). */
  algorithms: string[];
  /**
   * The set was read from the database too long ago (reloads failing): serve it, but let nobody
   * cache it, since a NEXT key published meanwhile may be missing.
   */
  stale?: boolean;
}

/**
 * The in-memory key set every request uses: signing and verification never touch the database.
 * KeyObjects are built once per snapshot (a PEM or JWK per call costs 5–60×).
 */
export class KeyRing {
  private signerKey: Signer | null = null;
  private byKid = new Map<string | null, VerificationKey>();
  private document: JwksDocument = jwksOf([]);
  private readonly droppedListeners = new Set<() => void>();

  /** `onMiss`: a token named a kid we do not hold; the owner may look for it (throttled). */
  constructor(private readonly onMiss: (kid: string | null) => void = () => undefined) {}

  replace(snapshot: KeyRingSnapshot): void {
    const before = this.byKid;
    this.signerKey = snapshot.signer;
    this.byKid = new Map(snapshot.verifiers.map((key) => [key.kid, key]));
    this.document = jwksOf(snapshot.published);
    const dropped = [...before.keys()].some((kid) => !this.byKid.has(kid));
    if (dropped) for (const listener of this.droppedListeners) listener();
  }

  /**
   * Called after a replacement that removed a key (revoked or retired): holders of tokens checked
   * earlier, such as open websockets, re-check them. Returns the unsubscribe function.
   */
  onKeyDropped(listener: () => void): () => void {
    this.droppedListeners.add(listener);
    return () => this.droppedListeners.delete(listener);
  }

  /** The CURRENT key; SERVICE_UNAVAILABLE before the keys are loaded. */
  signer(): Signer {
    if (!this.signerKey) throw serviceUnavailable();
    return this.signerKey;
  }

  lookup(kid: string | null): VerificationKey | null {
    const key = this.byKid.get(kid) ?? null;
    if (!key) this.onMiss(kid);
    return key;
  }

  jwks(): JwksDocument {
    return this.document;
  }
}

function jwksOf(keys: PublicJwk[]): JwksDocument {
  const body = JSON.stringify({ keys });
  return { body, algorithms: [...new Set(keys.map((key) => key.alg))], etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}
