import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { AccessTokenService, fixedClock, KeyRing, secretKeySnapshot } from "../../src/auth";
import { T0, TEST_KEY, TEST_SECRET, testAccessTokenSettings } from "../support/auth-fixture";

const subject = { userId: "11111111-1111-4111-8111-111111111111", role: "USER" as const, sessionId: "22222222-2222-4222-8222-222222222222", credentialVersion: 3, emailVerified: false };

function service(clock = fixedClock(T0), overrides = {}) {
  let n = 0;
  const ring = new KeyRing();
  ring.replace(secretKeySnapshot(TEST_KEY));
  return new AccessTokenService(testAccessTokenSettings(overrides), ring, clock, () => `jti-${++n}`);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { reason?: string }).reason;
  }
  return "accepted";
}

/** Signs arbitrary claims with the real secret, to test what the verifier checks beyond the signature. */
function forge(payload: object, header: object = { typ: "at+jwt" }, secret: string = TEST_SECRET, alg: jwt.Algorithm = "HS256") {
  return jwt.sign(payload, createSecretKey(Buffer.from(secret)), { algorithm: alg, header: { alg, ...header } });
}

const now = Math.floor(T0.getTime() / 1000);
const valid = { sub: subject.userId, sid: subject.sessionId, role: "USER", cv: 3, jti: "j", iat: now, exp: now + 900, iss: "test-issuer", aud: "test-audience" };

describe("AccessTokenService", () => {
  it("issues a JWT with the pinned header and every required claim", () => {
    const { token, expiresAt } = service().issue(subject);
    const decoded = jwt.decode(token, { complete: true });
    expect(decoded?.header).toEqual({ alg: "HS256", typ: "at+jwt", kid: secretKeySnapshot(TEST_KEY).signer?.kid });
    expect(decoded?.header.kid).toMatch(/^hs-[A-Za-z0-9_-]{22}$/);
    expect(decoded?.payload).toEqual({ ...valid, email_verified: false, jti: "jti-1" });
    expect(expiresAt).toEqual(new Date(T0.getTime() + 900_000));
  });

  it("verifies its own tokens and returns typed claims", () => {
    const svc = service();
    const claims = svc.verify(svc.issue(subject).token);
    expect(claims).toMatchObject({ sub: subject.userId, sid: subject.sessionId, role: "USER", exp: now + 900, cv: 3 });
  });

  it("under HS256 still accepts a token without kid (issued before kids existed), and refuses any other kid", () => {
    const svc = service();
    expect(svc.verify(forge(valid)).kid).toBeNull();
    const ownKid = secretKeySnapshot(TEST_KEY).signer?.kid;
    expect(codeOf(() => svc.verify(forge(valid, { typ: "at+jwt", kid: ownKid })))).toBe("accepted");
    expect(codeOf(() => svc.verify(forge(valid, { typ: "at+jwt", kid: "hs-another" })))).toBe("TOKEN_INVALID");
    // A new secret is a new kid: a token of the old secret names a kid this server no longer holds.
    const other = secretKeySnapshot(createSecretKey(Buffer.from("another-secret-that-is-also-32-bytes-long")));
    expect(other.signer?.kid).not.toBe(ownKid);
  });

  it("reads a token without cv (issued before the claim existed) as version 0, and refuses a malformed cv", () => {
    const svc = service();
    const { cv: _cv, ...legacy } = valid;
    expect(svc.verify(forge(legacy)).cv).toBe(0);
    for (const cv of [-1, 1.5, "1", null, 2 ** 53]) expect(codeOf(() => svc.verify(forge({ ...valid, cv })))).toBe("TOKEN_INVALID");
  });

  it("reports TOKEN_EXPIRED after exp plus the clock tolerance, not before", () => {
    const clock = fixedClock(T0);
    const svc = service(clock);
    const { token } = svc.issue(subject);
    clock.advance(904_000);
    expect(codeOf(() => svc.verify(token))).toBe("accepted");
    clock.advance(2_000);
    expect(codeOf(() => svc.verify(token))).toBe("TOKEN_EXPIRED");
    expect(svc.verify(token, { allowExpired: true }).sub).toBe(subject.userId);
  });

  it.each([
    ["alg none", () => jwt.sign(valid, "", { algorithm: "none", header: { alg: "none", typ: "at+jwt" } })],
    ["wrong secret", () => forge(valid, undefined, "another-secret-that-is-also-32-bytes-long")],
    ["tampered payload", () => {
      const [h, , s] = forge(valid).split(".");
      const body = Buffer.from(JSON.stringify({ ...valid, role: "ADMIN" })).toString("base64url");
      return `${h}.${body}.${s}`;
    }],
    ["wrong issuer", () => forge({ ...valid, iss: "evil" })],
    ["wrong audience", () => forge({ ...valid, aud: "other-api" })],
    ["missing exp", () => { const { exp: _e, ...rest } = valid; return forge(rest); }],
    ["wrong typ", () => forge(valid, { typ: "JWT" })],
    ["missing typ", () => forge(valid, {})],
    ["non-string typ", () => forge(valid, { typ: 1 })],
    ["other HMAC algorithm with the right secret", () => forge(valid, undefined, TEST_SECRET, "HS512")],
    ["missing sid", () => { const { sid: _s, ...rest } = valid; return forge(rest); }],
    ["unknown role", () => forge({ ...valid, role: "ROOT" })],
    ["garbage", () => "not-a-jwt"],
    ["oversized", () => "a".repeat(5000)],
    ["a jku header (sender-chosen key set)", () => forge(valid, { typ: "at+jwt", jku: "https://evil.example/jwks.json" })],
    ["a jwk header (sender-chosen key)", () => forge(valid, { typ: "at+jwt", jwk: { kty: "oct", k: "AAAA" } })],
    ["an x5u header", () => forge(valid, { typ: "at+jwt", x5u: "https://evil.example/cert.pem" })],
  ])("rejects %s as TOKEN_INVALID", (_name, make) => {
    expect(codeOf(() => service().verify(make()))).toBe("TOKEN_INVALID");
  });

  it("rejects a token whose signature is fine but that was issued for the future beyond tolerance", () => {
    const svc = service();
    expect(codeOf(() => svc.verify(forge({ ...valid, nbf: now + 60 })))).toBe("TOKEN_INVALID");
  });

  describe("header parameters and lifetime beyond the signature", () => {
    it.each([
      ["crit naming an extension", { typ: "at+jwt", crit: ["exp"] }],
      ["crit naming an unknown parameter", { typ: "at+jwt", crit: ["x-ext"], "x-ext": true }],
      ["an empty crit list", { typ: "at+jwt", crit: [] }],
      ["a null crit", { typ: "at+jwt", crit: null }],
    ])("rejects %s as TOKEN_INVALID (RFC 7515 §4.1.11)", (_name, header) => {
      const svc = service();
      expect(codeOf(() => svc.verify(forge(valid, header)))).toBe("TOKEN_INVALID");
      expect(codeOf(() => svc.verify(forge(valid, header), { allowExpired: true }))).toBe("TOKEN_INVALID");
    });

    it("rejects a lifetime longer than the configured TTL plus the clock tolerance", () => {
      const svc = service();
      expect(codeOf(() => svc.verify(forge({ ...valid, exp: now + 900 + 5 })))).toBe("accepted");
      expect(codeOf(() => svc.verify(forge({ ...valid, exp: now + 900 + 6 })))).toBe("TOKEN_INVALID");
      expect(codeOf(() => svc.verify(forge({ ...valid, exp: now + 365 * 86400 })))).toBe("TOKEN_INVALID");
      // The lifetime counts from iat, so a token issued long ago with a huge exp is refused too.
      expect(codeOf(() => svc.verify(forge({ ...valid, iat: now - 86400, exp: now + 60 })))).toBe("TOKEN_INVALID");
    });

    it("a token of the old, longer TTL stops working once ACCESS_TOKEN_TTL is lowered", () => {
      const { token } = service(fixedClock(T0), { ttlSeconds: 3600 }).issue(subject);
      expect(codeOf(() => service(fixedClock(T0), { ttlSeconds: 3600 }).verify(token))).toBe("accepted");
      expect(codeOf(() => service(fixedClock(T0), { ttlSeconds: 900 }).verify(token))).toBe("TOKEN_INVALID");
    });

    it("rejects an iat in the future beyond the tolerance (a short exp - iat that ends far ahead)", () => {
      const svc = service();
      expect(codeOf(() => svc.verify(forge({ ...valid, iat: now + 5, exp: now + 905 })))).toBe("accepted");
      expect(codeOf(() => svc.verify(forge({ ...valid, iat: now + 86400, exp: now + 86400 + 900 })))).toBe("TOKEN_INVALID");
    });

    it("applies the lifetime checks to logout's expired-token path too", () => {
      const svc = service();
      expect(codeOf(() => svc.verify(forge({ ...valid, iat: now - 2 * 86400, exp: now - 60 }), { allowExpired: true }))).toBe("TOKEN_INVALID");
    });
  });

  describe("verified-token cache", () => {
    it("never lets a token that differs in one byte ride on a verified one", () => {
      const svc = service();
      const { token } = svc.issue(subject);
      expect(svc.verify(token).sub).toBe(subject.userId);
      const last = token.at(-1) === "A" ? "B" : "A";
      expect(codeOf(() => svc.verify(token.slice(0, -1) + last))).toBe("TOKEN_INVALID");
      expect(codeOf(() => svc.verify(`${token}.`))).toBe("TOKEN_INVALID");
    });

    it("refuses a cached token once its signing key is dropped, and one signed by a later key is verified in full", () => {
      let n = 0;
      const ring = new KeyRing();
      ring.replace(secretKeySnapshot(TEST_KEY));
      const svc = new AccessTokenService(testAccessTokenSettings(), ring, fixedClock(T0), () => `jti-${++n}`);
      const { token } = svc.issue(subject);
      expect(svc.verify(token).cv).toBe(3);
      ring.replace(secretKeySnapshot(createSecretKey(Buffer.from("a-replacement-secret-of-at-least-32-bytes"))));
      expect(codeOf(() => svc.verify(token))).toBe("TOKEN_INVALID");
      expect(codeOf(() => svc.verify(svc.issue(subject).token))).toBe("accepted");
    });

    it("returns claims no caller can alter for the next request", () => {
      const svc = service();
      const { token } = svc.issue(subject);
      const claims = svc.verify(token);
      expect(Object.isFrozen(claims)).toBe(true);
      expect(svc.verify(token)).toBe(claims);
    });
  });

  it("accepts a forged-looking but correctly formed token (control for the rejections above)", () => {
    expect(codeOf(() => service().verify(forge(valid)))).toBe("accepted");
  });
});
