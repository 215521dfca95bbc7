import { mintToken, newSigningKey } from "../support/signing-keys";
import { outcome, type VerifierFixture, verifierFixture } from "./fixture";

const first = newSigningKey("ES256");
const second = newSigningKey("ES256");
const OK = { ok: true, user: { id: "user-1", role: "USER", emailVerified: false }, sessionId: "session-1" };
const INVALID = { ok: false, reason: "TOKEN_INVALID", outage: null };

describe("JWKS cache: lifetime from Cache-Control", () => {
  let f: VerifierFixture;
  afterEach(() => f.server.close());

  it("reuses the set for max-age, then refetches (a removed key stops verifying)", async () => {
    f = await verifierFixture([first, second], {}, 60);
    const token = mintToken(first, { iat: f.clock.seconds(), ttlSeconds: 900 });
    expect(outcome(await f.check(token))).toEqual(OK);
    f.server.jwks.keys = [second.jwk];
    f.clock.advance(59);
    expect(outcome(await f.check(token))).toEqual(OK);
    expect(f.server.jwksFetches()).toBe(1);
    f.clock.advance(1);
    expect(outcome(await f.check(token))).toEqual(INVALID);
    expect(f.server.jwksFetches()).toBe(2);
  });

  it("uses 600 s when Cache-Control is absent, and at most one day", async () => {
    f = await verifierFixture([first]);
    f.server.jwks.headers = {};
    const token = () => mintToken(first, { iat: f.clock.seconds() });
    await f.check(token());
    f.clock.advance(599);
    await f.check(token());
    expect(f.server.jwksFetches()).toBe(1);
    f.clock.advance(1);
    await f.check(token());
    expect(f.server.jwksFetches()).toBe(2);
    f.server.jwks.headers = { "cache-control": "public, max-age=31536000" };
    f.clock.advance(600);
    await f.check(token());
    expect(f.server.jwksFetches()).toBe(3);
    f.clock.advance(86_400);
    await f.check(token());
    expect(f.server.jwksFetches()).toBe(4);
  });

  it("revalidates with If-None-Match: a 304 renews the set it has", async () => {
    f = await verifierFixture([first], {}, 10);
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    f.clock.advance(10);
    expect(outcome(await f.check(mintToken(first, { iat: f.clock.seconds() })))).toEqual(OK);
    const [initial, revalidation] = f.server.requests;
    expect(initial?.headers["if-none-match"]).toBeUndefined();
    expect(revalidation?.headers["if-none-match"]).toMatch(/^".+"$/);
    expect(f.errors).toEqual([]); // the 304 was understood, not taken for a broken set
  });
});

describe("JWKS cache: unknown kid", () => {
  let f: VerifierFixture;
  beforeEach(async () => (f = await verifierFixture([first])));
  afterEach(() => f.server.close());

  it("refetches once, then TOKEN_INVALID; no second fetch within the 30 s cooldown", async () => {
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    f.clock.advance(31);
    const stranger = mintToken(newSigningKey("ES256"), { iat: f.clock.seconds() });
    expect(outcome(await f.check(stranger))).toEqual(INVALID);
    expect(f.server.jwksFetches()).toBe(2);
    f.clock.advance(29);
    expect(outcome(await f.check(stranger))).toEqual(INVALID);
    expect(f.server.jwksFetches()).toBe(2);
    f.clock.advance(1);
    expect(outcome(await f.check(stranger))).toEqual(INVALID);
    expect(f.server.jwksFetches()).toBe(3);
  });

  it("finds a key published since the last fetch", async () => {
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    f.server.jwks.keys = [first.jwk, second.jwk];
    f.clock.advance(30);
    expect(outcome(await f.check(mintToken(second, { iat: f.clock.seconds() })))).toEqual(OK);
    expect(f.server.jwksFetches()).toBe(2);
  });

  it("50 concurrent verifies with an unknown kid cause one fetch", async () => {
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    f.clock.advance(31);
    const stranger = mintToken(newSigningKey("ES256"), { iat: f.clock.seconds() });
    const results = await Promise.all(Array.from({ length: 50 }, () => f.check(stranger)));
    expect(results.map(outcome)).toEqual(Array(50).fill(INVALID));
    expect(f.server.jwksFetches()).toBe(2);
  });

  it("50 concurrent verifies of a newly published kid all wait for the one refetch and pass", async () => {
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    f.server.jwks.keys = [first.jwk, second.jwk];
    f.clock.advance(31);
    const token = mintToken(second, { iat: f.clock.seconds() });
    const results = await Promise.all(Array.from({ length: 50 }, () => f.check(token)));
    expect(results.map(outcome)).toEqual(Array(50).fill(OK));
    expect(f.server.jwksFetches()).toBe(2);
  });

  it("50 concurrent first verifies share the first fetch", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => f.check(mintToken(first, { iat: f.clock.seconds() }))));
    expect(results.map(outcome)).toEqual(Array(50).fill(OK));
    expect(f.server.jwksFetches()).toBe(1);
  });

  it("the cooldown is configurable", async () => {
    const quick = await verifierFixture([first], { refetchCooldownMs: 0 });
    try {
      const stranger = mintToken(newSigningKey("ES256"), { iat: quick.clock.seconds() });
      await quick.check(stranger);
      await quick.check(stranger);
      expect(quick.server.jwksFetches()).toBe(3); // the first fetch, then one refetch per unknown kid
    } finally {
      await quick.server.close();
    }
  });
});

describe("JWKS cache: failures", () => {
  let f: VerifierFixture;
  afterEach(() => f.server.close());

  it.each([
    ["HTTP 500", (s: VerifierFixture["server"]) => void (s.jwks.status = 500)],
    ["not JSON", (s: VerifierFixture["server"]) => void (s.jwks.body = "<html>")],
    ["no keys array", (s: VerifierFixture["server"]) => void (s.jwks.body = "{}")],
  ])("a failed refetch (%s) keeps the last good set, and is reported", async (_case, breakIt) => {
    f = await verifierFixture([first], {}, 5);
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    breakIt(f.server);
    f.clock.advance(6);
    expect(outcome(await f.check(mintToken(first, { iat: f.clock.seconds() })))).toEqual(OK);
    expect(f.server.jwksFetches()).toBe(2);
    expect(f.errors).toHaveLength(1);
  });

  it("after a failure, waits before fetching again (no request per verification)", async () => {
    f = await verifierFixture([first], {}, 5);
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    f.server.jwks.status = 503;
    f.clock.advance(6);
    for (let i = 0; i < 5; i++) await f.check(mintToken(first, { iat: f.clock.seconds() }));
    expect(f.server.jwksFetches()).toBe(2);
    f.clock.advance(5);
    f.server.jwks.status = 200;
    await f.check(mintToken(first, { iat: f.clock.seconds() }));
    expect(f.server.jwksFetches()).toBe(3);
  });

  it("with no set ever fetched, a failure is an outage (SERVICE_UNAVAILABLE), not a bad token", async () => {
    f = await verifierFixture([first]);
    f.server.jwks.status = 500;
    const result = await f.check(mintToken(first, { iat: f.clock.seconds() }));
    expect(outcome(result)).toEqual({ ok: false, reason: "TOKEN_INVALID", outage: "SERVICE_UNAVAILABLE" });
    expect((result.authError as Error).cause).toBeInstanceOf(Error);
    f.clock.advance(5);
    f.server.jwks.status = 200;
    expect(outcome(await f.check(mintToken(first, { iat: f.clock.seconds() })))).toEqual(OK);
  });

  it("a JWKS server that never answers is an outage within the timeout", async () => {
    f = await verifierFixture([first], { timeoutMs: 300 });
    f.server.jwks.hang = true;
    const started = Date.now();
    expect(outcome(await f.check(mintToken(first, { iat: f.clock.seconds() }))).outage).toBe("SERVICE_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(String(f.errors[0])).toMatch(/300 ms/);
  });

  it("close() ends a request under way at once (shutdown does not wait for the timeout)", async () => {
    f = await verifierFixture([first], { timeoutMs: 30_000 });
    f.server.jwks.hang = true;
    const started = Date.now();
    const pending = f.check(mintToken(first, { iat: f.clock.seconds() }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    f.verifier.close();
    expect(outcome(await pending).outage).toBe("SERVICE_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ["declared in Content-Length", false],
    ["streamed without Content-Length", true],
  ])("a JWKS response over the size cap (%s) is refused", async (_case, chunked) => {
    f = await verifierFixture([first], { maxResponseBytes: 4096 });
    f.server.jwks.keys = [first.jwk, ...Array.from({ length: 30 }, (_, i) => ({ kty: "oct", k: "A".repeat(200), kid: `padding-${i}` }))];
    f.server.jwks.chunked = chunked;
    expect(outcome(await f.check(mintToken(first, { iat: f.clock.seconds() }))).outage).toBe("SERVICE_UNAVAILABLE");
    expect(String(f.errors[0])).toMatch(/4096 bytes/);
  });

  it("a redirect is not followed, even to a valid key set", async () => {
    f = await verifierFixture([first]);
    f.server.jwks.status = 302;
    f.server.jwks.headers = { location: "/elsewhere/jwks.json" };
    expect(outcome(await f.check(mintToken(first, { iat: f.clock.seconds() }))).outage).toBe("SERVICE_UNAVAILABLE");
  });
});
