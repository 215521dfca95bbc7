import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "./config-error";

export const MIN_SECRET_BYTES = 32;

export interface SecretResolution {
  secret: Buffer;
  source: "env" | "file" | "generated";
  path?: string;
}

const FIX = `set JWT_SECRET to at least ${MIN_SECRET_BYTES} random bytes, e.g. JWT_SECRET=$(openssl rand -base64 48)`;

/**
 * JWT_SECRET from the environment; in production it is mandatory. Outside production a random
 * secret is generated once and kept beside the data directory (mode 0600) so tokens survive
 * restarts without anyone committing a fallback secret.
 */
export function resolveJwtSecret(value: string | undefined, production: boolean, persistPath: string): SecretResolution {
  if (value !== undefined && value !== "") {
    const secret = Buffer.from(value, "utf8");
    if (secret.length < MIN_SECRET_BYTES) throw new ConfigError("JWT_SECRET", `too short (${secret.length} bytes); ${FIX}`);
    return { secret, source: "env" };
  }
  if (production) throw new ConfigError("JWT_SECRET", `required in production; ${FIX}`);
  if (existsSync(persistPath)) {
    const secret = Buffer.from(readFileSync(persistPath, "utf8").trim(), "base64url");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new ConfigError("JWT_SECRET", `generated secret file ${persistPath} is corrupt; delete it or ${FIX}`);
    }
    return { secret, source: "file", path: persistPath };
  }
  const secret = randomBytes(48);
  mkdirSync(dirname(persistPath), { recursive: true });
  writeFileSync(persistPath, secret.toString("base64url") + "\n", { mode: 0o600 });
  chmodSync(persistPath, 0o600);
  return { secret, source: "generated", path: persistPath };
}
