import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { VerificationKey } from "./access-token-verification";
import type { KeyCipher } from "./key-cipher";
import { algorithmOfKey, type AsymmetricAlgorithm, generateSigningKey, jwkThumbprint, type PublicJwk, publicJwkOf } from "./key-material";
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

  /**
   * The ring for these rows, key by key: a row that does not make a valid key (a JWK that does not
   * import, or whose kid is not its thumbprint) is left out and reported, never allowed to freeze
   * the ring on its previous contents (a later revocation would then never apply). The signer is
   * null when the CURRENT key cannot be opened; `strict` (at start) throws instead.
   */
  snapshot(records: SigningKeyRecord[], strict: boolean, report: (problem: string) => void): KeyRingSnapshot {
    // Every algorithm: after JWT_ALGORITHM changed, the old keys sign and verify until rotated out.
    const live: Array<{ record: SigningKeyRecord; key: KeyObject; jwk: PublicJwk }> = [];
    for (const record of records.filter((key) => key.state !== "REVOKED")) {
      try {
        const key = this.publicKey(record);
        live.push({ record, key, jwk: publicJwkOf(key, record.kid, record.algorithm) });
      } catch (error) {
        report(`signing key ${record.kid} left out: ${(error as Error).message}`);
      }
    }
    const current = live.find(({ record }) => record.state === "CURRENT")?.record ?? null;
    let signer: KeyRingSnapshot["signer"] = null;
    try {
      signer = current ? { kid: current.kid, algorithm: current.algorithm, key: this.privateKey(current) } : null;
    } catch (error) {
      if (strict) throw error;
      report((error as Error).message);
    }
    return {
      signer,
      verifiers: live.map(({ record, key }): VerificationKey => ({ kid: record.kid, algorithm: record.algorithm, key })),
      // Rebuilt from the key itself: only the public members RFC 7518 defines, whatever the row holds.
      published: live.map(({ jwk }) => jwk),
    };
  }

  /** The row's public key, imported once per kid; its kid must be its RFC 7638 thumbprint. */
  private publicKey(record: SigningKeyRecord): KeyObject {
    let key = this.publicKeys.get(record.kid);
    if (!key) {
      key = createPublicKey({ key: { ...record.publicJwk }, format: "jwk" });
      if (jwkThumbprint(key) !== record.kid || algorithmOfKey(key) !== record.algorithm) {
        throw new Error("its kid is not the thumbprint of its key, or its key does not fit its algorithm");
      }
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
