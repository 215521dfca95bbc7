import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { VerificationKey } from "./access-token-verification";
import type { KeyCipher } from "./key-cipher";
import { type AsymmetricAlgorithm, generateSigningKey, publicJwkOf } from "./key-material";
import type { KeyRingSnapshot } from "./key-ring";
import type { SigningKeyRecord } from "./signing-key-records";

/**
 * Key material of managed keys: new pairs sealed for the table, and the table's rows opened into
 * KeyObjects, once per kid (a key is immutable under its kid, its RFC 7638 thumbprint).
 */
export class SealedKeyMaterial {
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(
    private readonly algorithm: AsymmetricAlgorithm,
    private readonly cipher: KeyCipher,
  ) {}

  async mint(state: "NEXT" | "CURRENT", now: Date): Promise<SigningKeyRecord> {
    const pair = await generateSigningKey(this.algorithm);
    const pkcs8 = pair.privateKey.export({ format: "der", type: "pkcs8" });
    return {
      kid: pair.kid,
      algorithm: this.algorithm,
      state,
      publicJwk: publicJwkOf(pair.publicKey, pair.kid, this.algorithm),
      sealedPrivateKey: this.cipher.seal(pair.kid, pkcs8),
      createdAt: now,
      activatedAt: state === "CURRENT" ? now : null,
      retiredAt: null,
      revokedAt: null,
    };
  }

  snapshot(records: SigningKeyRecord[]): KeyRingSnapshot {
    // Every algorithm: after JWT_ALGORITHM changed, the old keys sign and verify until rotated out.
    const live = records.filter((key) => key.state !== "REVOKED");
    const current = live.find((key) => key.state === "CURRENT") ?? null;
    const verifiers: VerificationKey[] = live.map((key) => ({ kid: key.kid, algorithm: key.algorithm, key: this.publicKey(key) }));
    return {
      signer: current ? { kid: current.kid, algorithm: current.algorithm, key: this.privateKey(current) } : null,
      verifiers,
      published: live.map((key) => key.publicJwk),
    };
  }

  private publicKey(record: SigningKeyRecord): KeyObject {
    let key = this.publicKeys.get(record.kid);
    if (!key) {
      key = createPublicKey({ key: { ...record.publicJwk }, format: "jwk" });
      this.publicKeys.set(record.kid, key);
    }
    return key;
  }

  /** Opened once per kid; a key that does not open under KEY_ENCRYPTION_KEY stops the caller loudly. */
  private privateKey(record: SigningKeyRecord): KeyObject {
    let key = this.privateKeys.get(record.kid);
    if (key) return key;
    if (!record.sealedPrivateKey) throw new Error(`signing key ${record.kid} is CURRENT but has no private key`);
    let der: Buffer;
    try {
      der = this.cipher.open(record.kid, record.sealedPrivateKey);
    } catch {
      throw new Error(
        `KEY_ENCRYPTION_KEY does not open signing key ${record.kid}: set the KEY_ENCRYPTION_KEY the keys were sealed with`,
      );
    }
    key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    this.privateKeys.set(record.kid, key);
    return key;
  }
}
