import type { SigningAlgorithm } from "./access-token-verification";
import { signingKeyRefused } from "./errors";
import type { PublicJwk } from "./key-material";
import type { JwksDocument, KeyRing, KeyRingSnapshot } from "./key-ring";
import type { SigningKeyRecord, SigningKeyState } from "./signing-key-records";
import { type KeyTiming, promotableAt, retiresAt } from "./signing-key-rules";
import type { ClientInfo } from "./types";

/** Who asked for a key change, for the audit trail (an ADMIN over GraphQL, the CLI, the scheduler). */
export interface KeyActor {
  userId: string | null;
  client: ClientInfo;
}

/** A key as an operator sees it: never its private part. */
export interface SigningKeyView {
  kid: string;
  algorithm: SigningAlgorithm;
  state: SigningKeyState;
  publicJwk: PublicJwk | null;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  revokedAt: Date | null;
  /** NEXT: the earliest moment it may sign. */
  promotableAt: Date | null;
  /** PREVIOUS: when it leaves the key set on its own. */
  retiresAt: Date | null;
}

/** `auth.keys`: the signing keys, whichever way they are kept. */
export interface SigningKeys {
  readonly algorithm: SigningAlgorithm;
  /** False when keys come from JWT_SECRET or JWT_PRIVATE_KEY_FILE (rotate/revoke refuse). */
  readonly managed: boolean;
  /** What /.well-known/jwks.json serves. */
  jwks(): JwksDocument;
  /** After a key stopped verifying on this instance (see KeyRing.onKeyDropped). */
  onKeyDropped(listener: () => void): () => void;
  /** Loads the keys (creating the first ones) before the server answers. */
  start(): Promise<void>;
  reload(): Promise<void>;
  list(): Promise<SigningKeyView[]>;
  rotate(actor: KeyActor): Promise<SigningKeyView>;
  revoke(kid: string, actor: KeyActor): Promise<boolean>;
  maintain(): Promise<void>;
}

export function viewOf(record: SigningKeyRecord, timing: KeyTiming): SigningKeyView {
  return {
    kid: record.kid,
    algorithm: record.algorithm,
    state: record.state,
    publicJwk: record.state === "REVOKED" ? null : record.publicJwk,
    createdAt: record.createdAt,
    activatedAt: record.activatedAt,
    retiredAt: record.retiredAt,
    revokedAt: record.revokedAt,
    promotableAt: record.state === "NEXT" ? promotableAt(record, timing) : null,
    retiresAt: record.state === "PREVIOUS" ? retiresAt(record, timing) : null,
  };
}

/** JWT_SECRET (HS256) or JWT_PRIVATE_KEY_FILE: one fixed key, changed only by reconfiguring. */
export class FixedSigningKeys implements SigningKeys {
  readonly managed = false;
  readonly algorithm: SigningAlgorithm;
  private readonly loadedAt: Date;

  constructor(
    private readonly ring: KeyRing,
    private readonly snapshot: KeyRingSnapshot,
    now: Date,
  ) {
    if (!snapshot.signer) throw new Error("a fixed key set needs a signing key");
    this.algorithm = snapshot.signer.algorithm;
    this.loadedAt = now;
    ring.replace(snapshot);
  }

  jwks(): JwksDocument {
    return this.ring.jwks();
  }

  onKeyDropped(listener: () => void): () => void {
    return this.ring.onKeyDropped(listener);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  reload(): Promise<void> {
    return Promise.resolve();
  }

  /** The published key (a file key); a shared secret is never listed. */
  list(): Promise<SigningKeyView[]> {
    return Promise.resolve(
      this.snapshot.published.map((jwk) => ({
        kid: jwk.kid,
        algorithm: jwk.alg,
        state: "CURRENT" as const,
        publicJwk: jwk,
        createdAt: this.loadedAt,
        activatedAt: this.loadedAt,
        retiredAt: null,
        revokedAt: null,
        promotableAt: null,
        retiresAt: null,
      })),
    );
  }

  rotate(): Promise<SigningKeyView> {
    return Promise.reject(signingKeyRefused("KEYS_NOT_MANAGED"));
  }

  revoke(): Promise<boolean> {
    return Promise.reject(signingKeyRefused("KEYS_NOT_MANAGED"));
  }

  maintain(): Promise<void> {
    return Promise.resolve();
  }
}
