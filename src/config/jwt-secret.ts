import { randomBytes } from "node:crypto";
import { ConfigError } from "./config-error";
import { resolvePersistedSecret, type SecretResolution } from "./persisted-secret";

export const MIN_SECRET_BYTES = 32;
export type { SecretResolution } from "./persisted-secret";

const FIX = `set JWT_SECRET to at least ${MIN_SECRET_BYTES} random bytes, e.g. JWT_SECRET=$(openssl rand -base64 48)`;

/** The HS256 secret: JWT_SECRET as UTF-8 bytes; the generated development file holds base64url. */
export function resolveJwtSecret(value: string | undefined, production: boolean, persistPath: string): SecretResolution {
  const fromEnv = value !== undefined && value !== "";
  return resolvePersistedSecret({
    name: "JWT_SECRET",
    value,
    production,
    persistPath,
    fix: FIX,
    generate: () => randomBytes(48),
    parse: (raw) => {
      const secret = fromEnv ? Buffer.from(raw, "utf8") : Buffer.from(raw, "base64url");
      if (secret.length < MIN_SECRET_BYTES) throw new ConfigError("JWT_SECRET", `too short (${secret.length} bytes); ${FIX}`);
      return secret;
    },
  });
}
