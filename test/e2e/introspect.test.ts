import { createTokenVerifier } from "../../src/verifier";
import { startServer, signup, type TestServer } from "../support/server";

const SECRET = "s".repeat(40);
/** A base64 secret, as `openssl rand -base64` makes: "+", "/" and "=" that RFC 6749 clients form-encode. */
const BASE64_SECRET = "k+9/Zq==".repeat(5);
const CREDENTIALS = `reports:${SECRET},billing:${"b".repeat(32)},ops:${BASE64_SECRET}`;

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

async function introspect(server: TestServer, token: string, authorization: string | null = basic("reports", SECRET), contentType = "application/x-www-form-urlencoded") {
  const response = await fetch(`${server.url}/introspect`, {
    method: "POST",
    headers: { "content-type": contentType, ...(authorization ? { authorization } : {}) },
    body: contentType.includes("json") ? JSON.stringify({ token }) : new URLSearchParams({ token }).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe("POST /introspect (RFC 7662 token status for other services)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { SERVICE_CREDENTIALS: CREDENTIALS, PUBLIC_URL: "https://auth.example.test", JWT_ISSUER: "graphql-auth-server" } });
  }, 60_000);
  afterAll(() => server?.close());

  it("refuses callers without a valid service credential (401, WWW-Authenticate), whatever the token", async () => {
    const pair = await signup(server, "intro-auth@example.com");
    for (const authorization of [null, basic("reports", "wrong".repeat(8)), basic("unknown", SECRET), basic("billing", SECRET), "Bearer " + pair.accessToken, "Basic !!!"]) {
      const res = await introspect(server, pair.accessToken, authorization);
      expect([authorization, res.status]).toEqual([authorization, 401]);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm="introspect"/);
      expect(res.body).toMatchObject({ error: "invalid_client" });
    }
  });

  it("answers the live state: active with the claims and the current role, then inactive once the session ends", async () => {
    const pair = await signup(server, "intro-live@example.com");
    const live = await introspect(server, pair.accessToken);
    expect(live.status).toBe(200);
    expect(live.headers.get("cache-control")).toBe("no-store");
    expect(live.body).toMatchObject({ active: true, token_type: "access_token", sub: pair.user.id, role: "USER", iss: "graphql-auth-server", aud: "graphql-auth-server" });
    expect(typeof live.body.sid).toBe("string");
    expect(typeof live.body.exp).toBe("number");
    await server.gql("mutation { logoutAll }", undefined, { token: pair.accessToken });
    expect((await introspect(server, pair.accessToken)).body).toEqual({ active: false });
  });

  it("says only { active: false } for anything that is not a live access token", async () => {
    const pair = await signup(server, "intro-dead@example.com");
    for (const token of ["garbage", pair.refreshToken, `${pair.accessToken}x`, "a".repeat(5000)]) {
      const res = await introspect(server, token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    }
    server.clock.advance(16 * 60_000);
    try {
      expect((await introspect(server, pair.accessToken)).body).toEqual({ active: false });
    } finally {
      server.clock.reset();
    }
  });

  it("accepts a client_secret_basic credential form-encoded as RFC 6749 §2.3.1 says, and as sent raw", async () => {
    const pair = await signup(server, "intro-encoded@example.com");
    expect((await introspect(server, pair.accessToken, basic("ops", encodeURIComponent(BASE64_SECRET)))).body).toMatchObject({ active: true });
    expect((await introspect(server, pair.accessToken, basic("ops", BASE64_SECRET))).body).toMatchObject({ active: true });
    expect((await introspect(server, pair.accessToken, basic("ops", encodeURIComponent(BASE64_SECRET.replace("k", "j"))))).status).toBe(401);
  });

  it("wants a form body with a token (RFC 7662 §2.1)", async () => {
    const pair = await signup(server, "intro-form@example.com");
    expect((await introspect(server, pair.accessToken, undefined, "application/json")).status).toBe(415);
    const empty = await fetch(`${server.url}/introspect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic("reports", SECRET) },
      body: "token_type_hint=access_token",
    });
    expect(empty.status).toBe(400);
  });

  it("is announced in the discovery document", async () => {
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ introspection_endpoint: "https://auth.example.test/introspect", introspection_endpoint_auth_methods_supported: ["client_secret_basic"] });
  });

  it("lets the verifier kit learn of a revocation before the token expires (HS256 keys are never published, so ES256 below)", async () => {
    const es = await startServer({
      env: {
        JWT_SECRET: "",
        JWT_ALGORITHM: "ES256",
        KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
        SERVICE_CREDENTIALS: CREDENTIALS,
      },
    });
    const verifier = createTokenVerifier({
      issuer: "graphql-auth-server",
      audience: "graphql-auth-server",
      jwksUrl: `${es.url}/.well-known/jwks.json`,
      introspection: { url: `${es.url}/introspect`, clientId: "reports", clientSecret: SECRET, cacheSeconds: 0 },
    });
    try {
      const pair = await signup(es, "intro-kit@example.com");
      expect(await verifier.verify(`Bearer ${pair.accessToken}`)).toMatchObject({ viewer: { user: { id: pair.user.id, role: "USER" } }, authFailure: null });
      await es.gql("mutation { logoutAll }", undefined, { token: pair.accessToken });
      expect(await verifier.verify(`Bearer ${pair.accessToken}`)).toMatchObject({ viewer: null, authFailure: "SESSION_REVOKED" });
    } finally {
      verifier.close();
      await es.close();
    }
  }, 60_000);
});

describe("without SERVICE_CREDENTIALS", () => {
  it("has no /introspect at all", async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/introspect`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "token=x" });
      expect(res.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
