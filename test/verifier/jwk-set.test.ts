import { generateKeyPairSync, randomBytes } from "node:crypto";
import { parseKeySet } from "../../src/verifier/jwk-set";
import { forgeToken, mintToken, newSigningKey } from "../support/signing-keys";
import { outcome, verifierFixture } from "./fixture";

const es = newSigningKey("ES256");
const rs = newSigningKey("RS256");
const kidsOf = (keys: unknown[]) => [...parseKeySet(JSON.stringify({ keys })).keys()];

describe("which published keys a token may be verified with", () => {
  it("ES256 on EC P-256 and RS256 on RSA, with use sig or none", () => {
    const { use: _use, ...withoutUse } = rs.jwk;
    expect(kidsOf([es.jwk, withoutUse])).toEqual([es.kid, rs.kid]);
  });

  it.each([
    ["an oct (HS256) key", { kty: "oct", k: randomBytes(32).toString("base64url"), alg: "HS256", kid: "oct" }],
    ["an encryption key", { ...es.jwk, use: "enc" }],
    ["no alg", { ...es.jwk, alg: undefined }],
    ["ES256 on an RSA key", { ...rs.jwk, alg: "ES256" }],
    ["RS256 on an EC key", { ...es.jwk, alg: "RS256" }],
    ["ES384", { ...es.jwk, alg: "ES384" }],
    ["another curve claimed as P-256", { ...generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({ format: "jwk" }), crv: "P-256", alg: "ES256", kid: "p384" }],
    ["an RSA key under 2048 bits", newSigningKey("RS256", { rsaBits: 1024 }).jwk],
    ["a private key (d published)", { ...es.privateKey.export({ format: "jwk" }), kid: "leaked", alg: "ES256", use: "sig" }],
    ["a kid that is not a string", { ...es.jwk, kid: 7 }],
    ["an invalid point", { ...es.jwk, x: Buffer.alloc(32, 1).toString("base64url") }],
  ])("leaves out %s, keeping the others", (_case, jwk) => {
    // Under its own kid: sharing one with another key would leave both out for that reason alone.
    const candidate = { ...jwk, kid: typeof jwk.kid === "string" ? "candidate" : jwk.kid };
    expect(kidsOf([candidate, es.jwk])).toEqual([es.kid]);
  });

  it("leaves out a kid published twice (which one signed is unknowable)", () => {
    const twin = newSigningKey("ES256", { kid: es.kid });
    expect(kidsOf([es.jwk, twin.jwk, rs.jwk])).toEqual([rs.kid]);
  });

  it("refuses a document with more keys than any rotation publishes", () => {
    expect(() => kidsOf(Array.from({ length: 33 }, (_, i) => ({ ...es.jwk, kid: `k${i}` })))).toThrow(/33 keys/);
  });

  it("builds a kid's KeyObject once, and again only if its key changes", () => {
    const once = parseKeySet(JSON.stringify({ keys: [es.jwk] }));
    const again = parseKeySet(JSON.stringify({ keys: [es.jwk, rs.jwk] }), once);
    expect(again.get(es.kid)?.verification.key).toBe(once.get(es.kid)?.verification.key);
    const replaced = newSigningKey("ES256", { kid: es.kid });
    const changed = parseKeySet(JSON.stringify({ keys: [replaced.jwk] }), again);
    expect(changed.get(es.kid)?.verification.key).not.toBe(once.get(es.kid)?.verification.key);
  });
});

describe("tokens under keys the verifier refuses", () => {
  it("an HS256 token under an oct key in the JWKS is TOKEN_INVALID", async () => {
    const secret = randomBytes(32);
    const f = await verifierFixture([]);
    try {
      f.server.jwks.keys = [{ kty: "oct", k: secret.toString("base64url"), alg: "HS256", kid: "shared", use: "sig" }, es.jwk];
      const token = forgeToken({ hmacSecret: secret }, { alg: "HS256", typ: "at+jwt", kid: "shared" }, { iat: f.clock.seconds() });
      expect(outcome(await f.check(token))).toEqual({ ok: false, reason: "TOKEN_INVALID", outage: null });
    } finally {
      await f.server.close();
    }
  });

  it("a token signed by a key whose private half the JWKS published is TOKEN_INVALID", async () => {
    const leaked = newSigningKey("ES256", { kid: "leaked" });
    const f = await verifierFixture([]);
    try {
      f.server.jwks.keys = [{ ...leaked.privateKey.export({ format: "jwk" }), kid: "leaked", alg: "ES256", use: "sig" }];
      expect(outcome(await f.check(mintToken(leaked, { iat: f.clock.seconds() }))).ok).toBe(false);
    } finally {
      await f.server.close();
    }
  });
});
