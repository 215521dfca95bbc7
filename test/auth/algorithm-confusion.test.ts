import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { type AsymmetricAlgorithm, KeyCipher, type PublicJwk } from "../../src/auth";
import { KEK, kidOf, managedAuth, publishedKeys, verdict } from "../support/managed-keys";
import type { MemorySigningKeyStore } from "../support/memory-stores";
import { forgeToken, newSigningKey } from "../support/signing-keys";

type Fixture = Awaited<ReturnType<typeof managedAuth<MemorySigningKeyStore>>>;

/**
 * Forged tokens against a server core signing with ES256 or RS256. Each carries the claims of a
 * genuine token of a live session, so only the header or the signature can be why it fails; and
 * the genuine key, re-signing those claims through the same forging path, is accepted (control).
 */
describe.each(["ES256", "RS256"] as const)("algorithm confusion against an %s core", (algorithm: AsymmetricAlgorithm) => {
  let fx: Fixture;
  let claims: Record<string, unknown>;
  let kid: string;
  let jwk: PublicJwk;
  let publicKey: KeyObject;
  let privateKey: KeyObject;

  beforeAll(async () => {
    fx = await managedAuth(algorithm);
    const genuine = (await fx.signup()).accessToken;
    claims = JSON.parse(Buffer.from(genuine.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    kid = kidOf(genuine);
    const published = publishedKeys(fx.auth).find((k) => k.kid === kid);
    if (!published) throw new Error("the signing key is not published");
    jwk = published;
    publicKey = createPublicKey({ key: { ...jwk }, format: "jwk" });
    const sealed = fx.store.keys.find((k) => k.kid === kid)?.sealedPrivateKey;
    if (!sealed) throw new Error("no sealed private key");
    // The test holds KEY_ENCRYPTION_KEY: the genuine key signs the control and the header attacks.
    privateKey = createPrivateKey({ key: new KeyCipher(KEK).open(kid, sealed), format: "der", type: "pkcs8" });
  });

  const genuineKey = () => ({ privateKey, algorithm });
  const forged = (signer: Parameters<typeof forgeToken>[0], header: Record<string, unknown>) => forgeToken(signer, header, { claims });

  it("control: the genuine key through the forging path is accepted", async () => {
    expect(await verdict(fx.auth, forged(genuineKey(), { alg: algorithm, typ: "at+jwt", kid }))).toBe("accepted");
  });

  it.each([
    ["PEM", () => publicKey.export({ format: "pem", type: "spki" }).toString()],
    ["DER", () => publicKey.export({ format: "der", type: "spki" })],
    ["JWK JSON", () => JSON.stringify(jwk)],
    ["JWKS document", () => fx.auth.keys.jwks().body],
  ])("refuses HS256 HMAC'ed with the published public key's %s bytes", async (_form, secret) => {
    expect(await verdict(fx.auth, forged({ hmacSecret: secret() }, { alg: "HS256", typ: "at+jwt", kid }))).toBe("TOKEN_INVALID");
  });

  it("refuses the other asymmetric algorithm's header over this kid (signed with an attacker's key of that type)", async () => {
    const other = algorithm === "ES256" ? "RS256" : "ES256";
    const attacker = newSigningKey(other);
    const token = forged({ privateKey: attacker.privateKey, algorithm: other }, { alg: other, typ: "at+jwt", kid });
    expect(await verdict(fx.auth, token)).toBe("TOKEN_INVALID");
  });

  it.each(["RS384", "PS256", "ES384", "HS256"])("refuses a genuine signature under a header that names %s", async (alg) => {
    expect(await verdict(fx.auth, forged(genuineKey(), { alg, typ: "at+jwt", kid }))).toBe("TOKEN_INVALID");
  });

  it.each(["none", "None", "NONE"])("refuses `alg: %s` with or without a signature", async (alg) => {
    const unsigned = forged({ hmacSecret: "" }, { alg, typ: "at+jwt", kid }).split(".").slice(0, 2).join(".");
    expect(await verdict(fx.auth, `${unsigned}.`)).toBe("TOKEN_INVALID");
    const genuineSignature = forged(genuineKey(), { alg, typ: "at+jwt", kid });
    expect(await verdict(fx.auth, genuineSignature)).toBe("TOKEN_INVALID");
  });

  it("refuses a genuine signature without a kid (only HS256 deployments accept kid-less legacy tokens)", async () => {
    expect(await verdict(fx.auth, forged(genuineKey(), { alg: algorithm, typ: "at+jwt" }))).toBe("TOKEN_INVALID");
  });

  it("refuses an unknown kid, signed by the genuine key or by an attacker's key", async () => {
    expect(await verdict(fx.auth, forged(genuineKey(), { alg: algorithm, typ: "at+jwt", kid: "unknown-kid" }))).toBe("TOKEN_INVALID");
    const attacker = newSigningKey(algorithm);
    expect(await verdict(fx.auth, forged(attacker, { alg: algorithm, typ: "at+jwt", kid: attacker.kid }))).toBe("TOKEN_INVALID");
  });

  it("refuses tokens that bring their own key (`jwk`, `jku`, `x5u`, `x5c`), signed by the attacker or even by the genuine key", async () => {
    const attacker = newSigningKey(algorithm);
    const ownKey = { jwk: attacker.jwk };
    const foreign = { jwk: jwk, jku: "https://attacker.test/jwks.json", x5u: "https://attacker.test/cert.pem", x5c: ["MIIB"] };
    expect(await verdict(fx.auth, forged(attacker, { alg: algorithm, typ: "at+jwt", kid: attacker.kid, ...ownKey }))).toBe("TOKEN_INVALID");
    expect(await verdict(fx.auth, forged(attacker, { alg: algorithm, typ: "at+jwt", kid, ...ownKey }))).toBe("TOKEN_INVALID");
    expect(await verdict(fx.auth, forged(attacker, { alg: algorithm, typ: "at+jwt", kid, jku: foreign.jku }))).toBe("TOKEN_INVALID");
    // A verifier that honoured these would be one redirect from trusting the attacker's key.
    for (const [name, value] of Object.entries(foreign)) {
      expect(await verdict(fx.auth, forged(genuineKey(), { alg: algorithm, typ: "at+jwt", kid, [name]: value }))).toBe("TOKEN_INVALID");
    }
  });
});
