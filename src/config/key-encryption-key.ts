import { randomBytes } from "node:crypto";
import { ConfigError } from "./config-error";
import { resolvePersistedSecret, type SecretResolution } from "./persisted-secret";

export const KEY_ENCRYPTION_KEY_BYTES = 32;
const FIX = "set KEY_ENCRYPTION_KEY to 32 random bytes in base64, e.g. KEY_ENCRYPTION_KEY=$(openssl rand -base64 32)";

/**
 * The AES-256-GCM key that seals signing keys at rest. Exactly 32 bytes, given as base64,
 * base64url or hex: a passphrase would be a weaker key than the ones it protects.
 */
export function resolveKeyEncryptionKey(value: string | undefined, production: boolean, persistPath: string): SecretResolution {
  return resolvePersistedSecret({
    name: "KEY_ENCRYPTION_KEY",
    value,
    production,
    persistPath,
    fix: FIX,
    generate: () => randomBytes(KEY_ENCRYPTION_KEY_BYTES),
    parse: (raw) => {
      const key = decode(raw);
      if (key?.length !== KEY_ENCRYPTION_KEY_BYTES) {
        throw new ConfigError("KEY_ENCRYPTION_KEY", `must decode to exactly ${KEY_ENCRYPTION_KEY_BYTES} bytes; ${FIX}`);
      }
      return key;
    },
  });
}

function decode(raw: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) return Buffer.from(raw.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""), "base64url");
  return null;
}
