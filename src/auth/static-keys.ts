import { createHmac, createPublicKey, type KeyObject } from "node:crypto";
import type { KeyRingSnapshot } from "./key-ring";
import { algorithmOfKey, jwkThumbprint, publicJwkOf } from "./key-material";

/**
 * HS256: one secret signs and verifies. Its kid is derived from the secret (an HMAC, so the kid
 * reveals nothing of it) and changes when the secret does. Tokens minted before kids existed
 * carry none and are still accepted here — never under ES256/RS256. Nothing is published.
 */
export function secretKeySnapshot(secret: KeyObject): KeyRingSnapshot {
  const kid = `hs-${createHmac("sha256", secret).update("graphql-auth-server kid").digest("base64url").slice(0, 22)}`;
  return {
    signer: { kid, algorithm: "HS256", key: secret },
    verifiers: [
      { kid, algorithm: "HS256", key: secret },
      { kid: null, algorithm: "HS256", key: secret },
    ],
    published: [],
  };
}

/** JWT_PRIVATE_KEY_FILE: one key, signing and published, named by its RFC 7638 thumbprint. */
export function fileKeySnapshot(privateKey: KeyObject): KeyRingSnapshot {
  const algorithm = algorithmOfKey(privateKey);
  if (!algorithm) throw new Error("the key file holds neither an EC P-256 nor an RSA ≥ 2048 key");
  const publicKey = createPublicKey(privateKey);
  const kid = jwkThumbprint(publicKey);
  return {
    signer: { kid, algorithm, key: privateKey },
    verifiers: [{ kid, algorithm, key: publicKey }],
    published: [publicJwkOf(publicKey, kid, algorithm)],
  };
}
