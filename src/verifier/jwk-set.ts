import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import type { VerificationKey } from "../auth/access-token-verification";

/** A published key, with the public members it was built from (to reuse its KeyObject on refetch). */
export interface PublishedKey {
  readonly verification: VerificationKey;
  readonly fingerprint: string;
}

export type KeySet = ReadonlyMap<string, PublishedKey>;

/** More keys than a rotation ever publishes (NEXT, CURRENT, PREVIOUS) means a wrong URL or worse. */
const MAX_KEYS = 32;
const MIN_RSA_BITS = 2048;
/** Private members: a JWKS carrying them has leaked its signing key, so anyone can mint tokens. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/** The JWKS document is not a key set at all: the caller keeps its last good one. */
export class InvalidKeySet extends Error {
  override readonly name = "InvalidKeySet";
}

type Jwk = Record<string, unknown>;

/**
 * The public members a key is built from, for the two pairs we verify: ES256 with an EC P-256
 * key, RS256 with an RSA key. Everything else (`oct`/HS256, other curves, mismatched `alg`/`kty`,
 * encryption keys) is not a key our tokens can be checked with; null.
 */
function publicMembers(jwk: Jwk): { algorithm: "ES256" | "RS256"; members: JsonWebKey } | null {
  if (jwk.use !== undefined && jwk.use !== "sig") return null;
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) return null;
  const strings = (...names: string[]) => names.every((name) => typeof jwk[name] === "string" && jwk[name] !== "");
  if (jwk.alg === "ES256" && jwk.kty === "EC" && jwk.crv === "P-256" && strings("x", "y")) {
    return { algorithm: "ES256", members: { kty: "EC", crv: "P-256", x: jwk.x as string, y: jwk.y as string } };
  }
  if (jwk.alg === "RS256" && jwk.kty === "RSA" && strings("n", "e")) {
    return { algorithm: "RS256", members: { kty: "RSA", n: jwk.n as string, e: jwk.e as string } };
  }
  return null;
}

/** The curve or modulus the key really has (the JWK's claims about itself are not enough). */
function strongEnough(key: KeyObject, algorithm: "ES256" | "RS256"): boolean {
  const details = key.asymmetricKeyDetails;
  if (algorithm === "ES256") return key.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1";
  return key.asymmetricKeyType === "rsa" && (details?.modulusLength ?? 0) >= MIN_RSA_BITS;
}

function buildKey(kid: string, jwk: Jwk, previous: KeySet): PublishedKey | null {
  const usable = publicMembers(jwk);
  if (!usable) return null;
  const fingerprint = JSON.stringify([usable.algorithm, usable.members]);
  const known = previous.get(kid);
  if (known?.fingerprint === fingerprint) return known;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: usable.members, format: "jwk" });
  } catch {
    return null; // Not a valid point or modulus: this key can verify nothing.
  }
  if (!strongEnough(key, usable.algorithm)) return null;
  return { verification: { kid, algorithm: usable.algorithm, key }, fingerprint };
}

function validKid(kid: unknown): kid is string {
  return typeof kid === "string" && kid.length > 0 && kid.length <= 128;
}

/**
 * The keys of a JWKS document that our tokens may be verified with, by `kid`. Unusable keys are
 * left out one by one (so one odd key does not take the others down); a `kid` published twice is
 * left out entirely, since which of the two signed a token is unknowable. KeyObjects of keys seen
 * before (same kid, same public members) are reused from `previous`.
 */
export function parseKeySet(body: string, previous: KeySet = new Map()): Map<string, PublishedKey> {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    throw new InvalidKeySet("the JWKS response is not JSON");
  }
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new InvalidKeySet("the JWKS response has no `keys` array");
  if (keys.length > MAX_KEYS) throw new InvalidKeySet(`the JWKS response has ${keys.length} keys, more than ${MAX_KEYS}`);
  const kids = keys.map((jwk: unknown) => (typeof jwk === "object" && jwk !== null ? (jwk as Jwk).kid : undefined));
  const set = new Map<string, PublishedKey>();
  keys.forEach((jwk: unknown, index) => {
    const kid = kids[index];
    if (!validKid(kid) || kids.indexOf(kid) !== kids.lastIndexOf(kid)) return;
    const built = buildKey(kid, jwk as Jwk, previous);
    if (built) set.set(kid, built);
  });
  return set;
}
