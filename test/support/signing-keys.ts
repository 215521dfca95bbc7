import { createHmac, generateKeyPairSync, type KeyObject, randomUUID, sign as cryptoSign } from "node:crypto";
import jwt from "jsonwebtoken";

/** An issuer's key pair as the auth server keeps one: `jwk` is what its JWKS publishes. */
export interface TestSigningKey {
  kid: string;
  algorithm: "ES256" | "RS256";
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

let counter = 0;

export function newSigningKey(algorithm: "ES256" | "RS256", options: { kid?: string; rsaBits?: number } = {}): TestSigningKey {
  const kid = options.kid ?? `${algorithm.toLowerCase()}-${++counter}`;
  const { privateKey, publicKey } = algorithm === "ES256"
    ? generateKeyPairSync("ec", { namedCurve: "P-256" })
    : generateKeyPairSync("rsa", { modulusLength: options.rsaBits ?? 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: algorithm, use: "sig" };
  return { kid, algorithm, privateKey, publicKey, jwk };
}

export const ISSUER = "https://auth.test";
export const AUDIENCE = "test-services";

export interface TokenOptions {
  /** Seconds since the epoch at issue. */
  iat?: number;
  ttlSeconds?: number;
  /** Merged over the standard claims; `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Merged over `{ alg, typ: "at+jwt", kid }`. */
  header?: Record<string, unknown>;
}

/** The claims the auth server puts in an access token. */
export function standardClaims(iat: number, ttlSeconds: number): Record<string, unknown> {
  return { sub: "user-1", sid: "session-1", role: "USER", cv: 0, jti: randomUUID(), iat, exp: iat + ttlSeconds, iss: ISSUER, aud: AUDIENCE };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function parts(key: { kid: string; algorithm: string }, options: TokenOptions) {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { ...standardClaims(iat, options.ttlSeconds ?? 900), ...options.claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const header = { alg: key.algorithm, typ: "at+jwt", kid: key.kid, ...options.header };
  return { header, payload };
}

/** An access token as the auth server signs it (jsonwebtoken, the same library). */
export function mintToken(key: TestSigningKey, options: TokenOptions = {}): string {
  const { header, payload } = parts(key, options);
  return jwt.sign(payload, key.privateKey, { algorithm: key.algorithm, header: header as jwt.JwtHeader });
}

/**
 * A token signed outside jsonwebtoken, for attacks it would refuse to produce: HS256 whose HMAC
 * secret is a public key's bytes, or a header naming one algorithm over another's signature.
 */
export function forgeToken(
  signer: { hmacSecret: Buffer | string } | { privateKey: KeyObject; algorithm: "ES256" | "RS256" },
  headerFields: Record<string, unknown>,
  options: TokenOptions = {},
): string {
  const { payload } = parts({ kid: "", algorithm: "" }, options);
  const input = `${b64(headerFields)}.${b64(payload)}`;
  const signature = "hmacSecret" in signer
    ? createHmac("sha256", signer.hmacSecret).update(input).digest()
    : cryptoSign("sha256", Buffer.from(input), signer.algorithm === "ES256" ? { key: signer.privateKey, dsaEncoding: "ieee-p1363" } : signer.privateKey);
  return `${input}.${signature.toString("base64url")}`;
}
