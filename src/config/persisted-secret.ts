import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "./config-error";

export interface SecretResolution {
  secret: Buffer;
  source: "env" | "file" | "generated";
  path?: string;
}

export interface SecretSpec {
  /** The environment variable, for messages. */
  name: string;
  value: string | undefined;
  production: boolean;
  /** Where development keeps the generated value (beside the embedded database's directory). */
  persistPath: string;
  /** Decodes and validates the configured value; throws ConfigError with the fix. */
  parse(value: string): Buffer;
  /** A fresh random value for development. */
  generate(): Buffer;
  /** How to set it, e.g. "set X=$(openssl rand -base64 32)". */
  fix: string;
}

/**
 * A secret from the environment; mandatory in production. Outside production a random value is
 * generated once and kept on disk (mode 0600) so what it protects survives restarts without anyone
 * committing a fallback secret.
 */
export function resolvePersistedSecret(spec: SecretSpec): SecretResolution {
  if (spec.value !== undefined && spec.value !== "") return { secret: spec.parse(spec.value), source: "env" };
  if (spec.production) throw new ConfigError(spec.name, `required in production; ${spec.fix}`);
  if (existsSync(spec.persistPath)) {
    let secret: Buffer;
    try {
      secret = spec.parse(readFileSync(spec.persistPath, "utf8").trim());
    } catch {
      throw new ConfigError(spec.name, `generated file ${spec.persistPath} is corrupt; delete it or ${spec.fix}`);
    }
    return { secret, source: "file", path: spec.persistPath };
  }
  const secret = spec.generate();
  mkdirSync(dirname(spec.persistPath), { recursive: true });
  try {
    // "wx": two processes starting together on a fresh checkout (a server and the CLI) must not
    // each write their own value; the second one reads the first's.
    writeFileSync(spec.persistPath, secret.toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return resolvePersistedSecret(spec);
  }
  chmodSync(spec.persistPath, 0o600);
  return { secret, source: "generated", path: spec.persistPath };
}
