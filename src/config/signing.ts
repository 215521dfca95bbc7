import { createPrivateKey, createSecretKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
// Pure files of the auth core (no store, no argon2): the algorithms and key rules are theirs.
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from "../auth/access-token-verification";
import { algorithmOfKey as keyAlgorithm, type AsymmetricAlgorithm } from "../auth/key-material";
import { ConfigError } from "./config-error";
import { resolveJwtSecret, type SecretResolution } from "./jwt-secret";
import { resolveKeyEncryptionKey } from "./key-encryption-key";
import { type Env, readDuration, readOptional } from "./readers";


export type SigningConfig =
  | {
      algorithm: "HS256";
      key: KeyObject;
      secretSource: SecretResolution["source"];
      secretPath?: string;
      /** Chosen because JWT_SECRET is set and JWT_ALGORITHM is not: said once at start. */
      implicit: boolean;
    }
  | {
      algorithm: AsymmetricAlgorithm;
      keySource: "database";
      /** AES-256-GCM key sealing the private keys in `signing_keys`. */
      keyEncryptionKey: Buffer;
      keyEncryptionKeySource: SecretResolution["source"];
      keyEncryptionKeyPath?: string;
      /** SIGNING_KEY_ROTATION in seconds; null rotates only on request. */
      rotationSeconds: number | null;
      /** JWT_SECRET is set but no longer signs anything: said once at start. */
      unusedJwtSecret: boolean;
    }
  | {
      algorithm: AsymmetricAlgorithm;
      keySource: "file";
      privateKey: KeyObject;
      keyPath: string;
      unusedJwtSecret: boolean;
    };

const DAY = 86400;

/**
 * JWT_ALGORITHM decides; unset, a deployment with JWT_SECRET keeps HS256 (upgrading must not
 * invalidate every token nor change what other services verify with), a key file decides by its
 * type, and anything else gets ES256.
 */
export function readSigning(env: Env, production: boolean, dataBase: string): SigningConfig {
  const keyFile = readOptional(env, "JWT_PRIVATE_KEY_FILE");
  const hasSecret = readOptional(env, "JWT_SECRET") !== undefined;
  const algorithm = readAlgorithm(env, keyFile, hasSecret);
  if (algorithm === "HS256") {
    if (keyFile) throw new ConfigError("JWT_PRIVATE_KEY_FILE", "is for ES256/RS256; unset it or set JWT_ALGORITHM=ES256");
    const secret = resolveJwtSecret(env.JWT_SECRET, production, `${dataBase}/jwt-secret`);
    return {
      algorithm,
      key: createSecretKey(secret.secret),
      secretSource: secret.source,
      ...(secret.path ? { secretPath: secret.path } : {}),
      implicit: readOptional(env, "JWT_ALGORITHM") === undefined,
    };
  }
  if (keyFile) {
    if (readOptional(env, "SIGNING_KEY_ROTATION")) {
      throw new ConfigError("SIGNING_KEY_ROTATION", "rotates keys kept in the database; with JWT_PRIVATE_KEY_FILE your secret manager rotates the file");
    }
    return { algorithm, keySource: "file", privateKey: readKeyFile(keyFile, algorithm), keyPath: keyFile, unusedJwtSecret: hasSecret };
  }
  const kek = resolveKeyEncryptionKey(env.KEY_ENCRYPTION_KEY, production, `${dataBase}/key-encryption-key`);
  return {
    algorithm,
    keySource: "database",
    keyEncryptionKey: kek.secret,
    keyEncryptionKeySource: kek.source,
    ...(kek.path ? { keyEncryptionKeyPath: kek.path } : {}),
    rotationSeconds: readOptional(env, "SIGNING_KEY_ROTATION") ? readDuration(env, "SIGNING_KEY_ROTATION", "0", 1, 3650 * DAY) : null,
    unusedJwtSecret: hasSecret,
  };
}

function readAlgorithm(env: Env, keyFile: string | undefined, hasSecret: boolean): SigningAlgorithm {
  const value = readOptional(env, "JWT_ALGORITHM");
  if (value !== undefined) {
    const match = SIGNING_ALGORITHMS.find((a) => a === value);
    if (!match) throw new ConfigError("JWT_ALGORITHM", `expected one of ${SIGNING_ALGORITHMS.join(", ")}, got "${value}"`);
    return match;
  }
  if (keyFile) return algorithmOfKey(readKeyFile(keyFile, null));
  return hasSecret ? "HS256" : "ES256";
}

/** A PEM (PKCS#8, SEC1 or PKCS#1) or a private JWK; its type must match the algorithm. */
function readKeyFile(path: string, expected: AsymmetricAlgorithm | null): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new ConfigError("JWT_PRIVATE_KEY_FILE", `cannot read ${path}: ${(error as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = text.startsWith("{") ? createPrivateKey({ key: JSON.parse(text) as JsonWebKey, format: "jwk" }) : createPrivateKey(text);
  } catch {
    throw new ConfigError("JWT_PRIVATE_KEY_FILE", `${path} holds no private key (expected a PEM or a private JWK)`);
  }
  const algorithm = algorithmOfKey(key);
  if (expected && algorithm !== expected) {
    throw new ConfigError("JWT_PRIVATE_KEY_FILE", `${path} holds a key for ${algorithm}, but JWT_ALGORITHM is ${expected}`);
  }
  return key;
}

function algorithmOfKey(key: KeyObject): AsymmetricAlgorithm {
  const algorithm = keyAlgorithm(key);
  if (!algorithm) throw new ConfigError("JWT_PRIVATE_KEY_FILE", "must hold an EC P-256 key (ES256) or an RSA key of at least 2048 bits (RS256)");
  return algorithm;
}
