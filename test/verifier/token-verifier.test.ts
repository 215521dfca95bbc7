import { createTokenVerifier } from "../../src/verifier";
import { forgeToken, mintToken, newSigningKey } from "../support/signing-keys";
import { outcome, type VerifierFixture, verifierFixture } from "./fixture";

const es = newSigningKey("ES256");
const rs = newSigningKey("RS256");
const INVALID = { ok: false, reason: "TOKEN_INVALID", outage: null };

describe("createTokenVerifier: tokens the auth server issues", () => {
  let f: VerifierFixture;
  beforeEach(async () => (f = await verifierFixture([es, rs])));
  afterEach(() => f.server.close());
  const at = (options: Parameters<typeof mintToken>[1] = {}) => ({ iat: f.clock.seconds(), ...options });

  it("carries the token's email_verified claim, for @auth(verified: true); only a literal true counts", async () => {
    const verified = await f.check(mintToken(es, at({ claims: { email_verified: true } })));
    expect(verified.viewer?.user.emailVerified).toBe(true);
    const stringy = await f.check(mintToken(es, at({ claims: { email_verified: "true" } })));
    expect(stringy.viewer?.user.emailVerified).toBe(false);
  });

  it.each([es, rs])("accepts a valid $algorithm token: the viewer carries id, role, session and claims", async (key) => {
    const result = await f.check(mintToken(key, at({ claims: { role: "ADMIN" } })));
    expect(outcome(result)).toEqual({ ok: true, user: { id: "user-1", role: "ADMIN", emailVerified: false }, sessionId: "session-1" });
    expect(result.viewer?.claims).toMatchObject({ sub: "user-1", sid: "session-1", role: "ADMIN", cv: 0 });
    expect(result.authFailure).toBeNull();
  });

  it("a missing header is TOKEN_MISSING, a malformed one TOKEN_INVALID, without any fetch", async () => {
    expect(outcome(await f.verifier.verify(undefined))).toEqual({ ok: false, reason: "TOKEN_MISSING", outage: null });
    expect(outcome(await f.verifier.verify("  "))).toEqual({ ok: false, reason: "TOKEN_MISSING", outage: null });
    expect(outcome(await f.verifier.verify("Basic abc"))).toEqual(INVALID);
    expect(outcome(await f.check("not.a.jwt"))).toEqual(INVALID);
    expect(f.server.jwksFetches()).toBe(0);
  });

  it("an expired token is TOKEN_EXPIRED (past the clock tolerance)", async () => {
    const token = mintToken(es, at({ ttlSeconds: 60 }));
    f.clock.advance(64);
    expect(outcome(await f.check(token)).ok).toBe(true);
    f.clock.advance(2);
    expect(outcome(await f.check(token))).toEqual({ ok: false, reason: "TOKEN_EXPIRED", outage: null });
  });

  it.each([
    ["another issuer", { claims: { iss: "https://elsewhere.test" } }],
    ["another audience", { claims: { aud: "other-service" } }],
    ["typ JWT instead of at+jwt", { header: { typ: "JWT" } }],
    ["no typ", { header: { typ: undefined } }],
    ["a lifetime longer than ACCESS_TOKEN_TTL", { ttlSeconds: 3600 }],
    ["issued in the future", { iat: Math.floor(Date.UTC(2030, 0, 1) / 1000) + 60 }],
    ["no sid", { claims: { sid: undefined } }],
    ["an unknown role", { claims: { role: "ROOT" } }],
    ["a jwk header (a key chosen by the sender)", { header: { jwk: es.jwk } }],
    ["a jku header (keys fetched from the sender's URL)", { header: { jku: "https://evil.test/jwks" } }],
    ["a crit header", { header: { crit: ["exp"] } }],
  ])("refuses a token with %s", async (_case, options) => {
    expect(outcome(await f.check(mintToken(es, at(options as Parameters<typeof mintToken>[1]))))).toEqual(INVALID);
  });

  it("refuses a token without kid, and one whose kid the issuer does not publish", async () => {
    expect(outcome(await f.check(mintToken(es, at({ header: { kid: undefined } }))))).toEqual(INVALID);
    const stranger = newSigningKey("ES256", { kid: "not-published" });
    expect(outcome(await f.check(mintToken(stranger, at())))).toEqual(INVALID);
  });

  it("refuses a token signed by another key under a published kid", async () => {
    const impostor = newSigningKey("ES256", { kid: es.kid });
    expect(outcome(await f.check(mintToken(impostor, at())))).toEqual(INVALID);
  });
});

describe("createTokenVerifier: algorithm confusion", () => {
  let f: VerifierFixture;
  beforeEach(async () => (f = await verifierFixture([es, rs])));
  afterEach(() => f.server.close());
  const at = () => ({ iat: f.clock.seconds() });

  it.each([
    ["PEM", (k: typeof es) => k.publicKey.export({ format: "pem", type: "spki" }).toString()],
    ["DER", (k: typeof es) => k.publicKey.export({ format: "der", type: "spki" })],
    ["JWK JSON", (k: typeof es) => JSON.stringify(k.jwk)],
  ])("refuses HS256 signed with a published public key's %s bytes as the HMAC secret", async (_form, bytes) => {
    for (const key of [es, rs]) {
      const token = forgeToken({ hmacSecret: bytes(key) }, { alg: "HS256", typ: "at+jwt", kid: key.kid }, at());
      expect(outcome(await f.check(token))).toEqual(INVALID);
    }
  });

  it("refuses an ES256 header over an RSA key's kid (signed with some EC key), and the reverse", async () => {
    const attackerEc = newSigningKey("ES256");
    const attackerRsa = newSigningKey("RS256");
    const esOnRsa = forgeToken({ privateKey: attackerEc.privateKey, algorithm: "ES256" }, { alg: "ES256", typ: "at+jwt", kid: rs.kid }, at());
    const rsOnEc = forgeToken({ privateKey: attackerRsa.privateKey, algorithm: "RS256" }, { alg: "RS256", typ: "at+jwt", kid: es.kid }, at());
    expect(outcome(await f.check(esOnRsa))).toEqual(INVALID);
    expect(outcome(await f.check(rsOnEc))).toEqual(INVALID);
  });

  it("refuses `alg: none` and never fetches keys for an algorithm it cannot verify", async () => {
    await f.check(mintToken(es, at())); // the set is now cached
    const fetched = f.server.jwksFetches();
    f.clock.advance(3600); // past max-age and the cooldown: any lookup would fetch
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt", kid: "x" })).toString("base64url")}.${Buffer.from("{}").toString("base64url")}.`;
    const hs = forgeToken({ hmacSecret: "whatever" }, { alg: "HS256", typ: "at+jwt", kid: "unknown-kid" }, { iat: f.clock.seconds() });
    expect(outcome(await f.check(none))).toEqual(INVALID);
    expect(outcome(await f.check(hs))).toEqual(INVALID);
    expect(f.server.jwksFetches()).toBe(fetched);
  });
});

describe("createTokenVerifier: configuration", () => {
  it("refuses to start without issuer, audience or an http(s) jwksUrl", () => {
    expect(() => createTokenVerifier({ issuer: "", audience: "a", jwksUrl: "http://x/jwks" })).toThrow(/issuer/);
    expect(() => createTokenVerifier({ issuer: "i", audience: "", jwksUrl: "http://x/jwks" })).toThrow(/audience/);
    expect(() => createTokenVerifier({ issuer: "i", audience: "a", jwksUrl: "file:///etc/jwks" })).toThrow(/http/);
  });
});
