import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals private signing keys at rest with AES-256-GCM under KEY_ENCRYPTION_KEY. The kid is the
 * associated data: a sealed key copied onto another row (another kid) fails to open, so a database
 * writer cannot make us sign with a key of their choosing under a published kid.
 */
export class KeyCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("KeyCipher needs a 32-byte key");
  }

  seal(kid: string, plaintext: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(aad(kid));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}`;
  }

  /** Throws when the value was not sealed for this kid under this key (tampered, wrong KEK). */
  open(kid: string, sealed: string): Buffer {
    const [version, payload] = sealed.split(".");
    if (version !== VERSION || !payload) throw new Error("unknown sealed-key format");
    const bytes = Buffer.from(payload, "base64url");
    if (bytes.length <= IV_BYTES + TAG_BYTES) throw new Error("sealed key too short");
    const decipher = createDecipheriv("aes-256-gcm", this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(aad(kid));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  }
}

function aad(kid: string): Buffer {
  return Buffer.from(`signing-key:${kid}`, "utf8");
}
