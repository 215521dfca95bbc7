import type { SeenRequest } from "../support/jwks-server";
import { mintToken, newSigningKey } from "../support/signing-keys";
import { outcome, type VerifierFixture, verifierFixture } from "./fixture";

const key = newSigningKey("ES256");
const CLIENT = { clientId: "reports", clientSecret: "s".repeat(32) };
const ACTIVE = { active: true, sub: "user-1", sid: "session-1", role: "USER", token_type: "access_token" };
const REVOKED = { ok: false, reason: "SESSION_REVOKED", outage: null };

describe("token-status checks (introspection)", () => {
  let f: VerifierFixture;
  let answer: { status: number; body: unknown } | "hang";
  const asked = () => f.server.requests.filter((r) => r.path === "/introspect");

  beforeEach(async () => {
    answer = { status: 200, body: ACTIVE };
    f = await verifierFixture([key], (server) => ({ timeoutMs: 500, introspection: { url: server.introspectUrl, ...CLIENT } }));
    f.server.introspect = () => answer;
  });
  afterEach(() => f.server.close());
  const token = (claims: Record<string, unknown> = {}) => mintToken(key, { iat: f.clock.seconds(), claims });

  it("asks after local verification, with the service credential, RFC 7662 style", async () => {
    const t = token();
    expect(outcome(await f.check(t)).ok).toBe(true);
    const [request] = asked() as [SeenRequest];
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`reports:${"s".repeat(32)}`).toString("base64")}`);
    expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(request.body).get("token")).toBe(t);
  });

  it("never asks about a token that fails locally", async () => {
    await f.check(mintToken(newSigningKey("ES256"), { iat: f.clock.seconds() }));
    await f.check(token({ aud: "elsewhere" }));
    expect(asked()).toHaveLength(0);
  });

  it("active: false is SESSION_REVOKED", async () => {
    answer = { status: 200, body: { active: false } };
    expect(outcome(await f.check(token()))).toEqual(REVOKED);
  });

  it("the live role from the status answer wins over the token's (a demotion applies at once)", async () => {
    answer = { status: 200, body: { ...ACTIVE, role: "USER" } };
    expect(outcome(await f.check(token({ role: "ADMIN" })))).toMatchObject({ ok: true, user: { role: "USER" } });
  });

  it.each([
    ["another session", { ...ACTIVE, sid: "session-2" }],
    ["another user", { ...ACTIVE, sub: "user-2" }],
    ["an unknown role", { ...ACTIVE, role: "ROOT" }],
  ])("an active answer about %s counts as revoked", async (_case, body) => {
    answer = { status: 200, body };
    expect(outcome(await f.check(token()))).toEqual(REVOKED);
  });

  it("answers are cached per token for cacheSeconds (default 10), failures never", async () => {
    const t = token();
    await f.check(t);
    answer = { status: 200, body: { active: false } };
    f.clock.advance(9);
    expect(outcome(await f.check(t)).ok).toBe(true);
    expect(asked()).toHaveLength(1);
    f.clock.advance(1);
    expect(outcome(await f.check(t))).toEqual(REVOKED);
    expect(outcome(await f.check(token()))).toEqual(REVOKED); // another token: asked, not cached
    expect(asked()).toHaveLength(3);
  });

  it("concurrent checks of one token share one request", async () => {
    const t = token();
    await Promise.all(Array.from({ length: 20 }, () => f.check(t)));
    expect(asked()).toHaveLength(1);
  });

  it.each([
    ["unreachable (no answer in time)", "hang" as const],
    ["answering 401 (wrong service credential)", { status: 401, body: { error: "invalid_client" } }],
    ["answering 500", { status: 500, body: {} }],
    ["answering without `active`", { status: 200, body: { sub: "user-1" } }],
  ])("a status endpoint %s is an outage, reported, and not cached", async (_case, broken) => {
    answer = broken;
    const t = token();
    expect(outcome(await f.check(t))).toEqual({ ok: false, reason: "TOKEN_INVALID", outage: "SERVICE_UNAVAILABLE" });
    expect(f.errors).toHaveLength(1);
    answer = { status: 200, body: ACTIVE };
    expect(outcome(await f.check(t)).ok).toBe(true);
  });
});
