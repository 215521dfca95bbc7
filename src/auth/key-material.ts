import { createHash, generateKeyPair, type JsonWebKey, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { SigningAlgorithm } from "./access-token-verification";

export type AsymmetricAlgorithm = Exclude<SigningAlgorithm, "HS256">;

/** What a JWKS lists for one key (RFC 7517): public parameters only, never `d`, `p`, `q`, … */
export interface PublicJwk {
  kty: "EC" | "RSA";
  kid: string;
  alg: AsymmetricAlgorithm;
  use: "sig";
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

export interface SigningKeyPair {
  kid: string;
  algorithm: AsymmetricAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(generateKeyPair);

/** A fresh pair (off the event loop: RSA generation takes tens of milliseconds). */
export async function generateSigningKey(algorithm: AsymmetricAlgorithm): Promise<SigningKeyPair> {
  const { privateKey, publicKey } =
    algorithm === "ES256" ? await generate("ec", { namedCurve: "P-256" }) : await generate("rsa", { modulusLength: 2048 });
  return { kid: jwkThumbprint(publicKey), algorithm, privateKey, publicKey };
}

/** The key's public JWK with our metadata; only the members RFC 7518 defines for its type. */
export function publicJwkOf(publicKey: KeyObject, kid: string, algorithm: AsymmetricAlgorithm): PublicJwk {
  const jwk = publicKey.export({ format: "jwk" });
  if (algorithm === "ES256") return { kty: "EC", crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y), kid, alg: algorithm, use: "sig" };
  return { kty: "RSA", n: String(jwk.n), e: String(jwk.e), kid, alg: algorithm, use: "sig" };
}

/**
 * RFC 7638 thumbprint as the kid: derived from the public key, so two keys never share one and a
 * kid always names the same key on every instance.
 */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk: JsonWebKey = publicKey.export({ format: "jwk" });
  const members = jwk.kty === "EC" ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
}

/** ES256 for an EC P-256 key, RS256 for RSA of at least 2048 bits; null for anything else. */
export function algorithmOfKey(key: KeyObject): AsymmetricAlgorithm | null {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1") return "ES256";
  if (key.asymmetricKeyType === "rsa" && (details?.modulusLength ?? 0) >= 2048) return "RS256";
  return null;
}
