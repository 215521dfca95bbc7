import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { login, onlyError, type Pair, signup, startServer, type TestServer, withServer } from "../support/server";
import { wsClient } from "../support/ws-client";

const KEK = Buffer.alloc(32, 9).toString("base64");
const ADMIN = { email: "keys-admin@example.com", password: "correct horse battery staple" };
/** The default JWKS_MAX_AGE (600 s): a NEXT key may sign 635 s after it was published (max age + reload interval + clock tolerance). */
const PROMOTION_DELAY_MS = 635_000;
const ES256_ENV = {
  JWT_SECRET: "",
  JWT_ALGORITHM: "ES256",
  KEY_ENCRYPTION_KEY: KEK,
  BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
  BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
};
const KEY_FIELDS = "kid algorithm state publicJwk createdAt activatedAt retiredAt revokedAt promotableAt retiresAt";

function header(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

async function adminToken(server: TestServer): Promise<string> {
  const res = await login(server, ADMIN.email, ADMIN.password);
  const token = res.body.data?.login.accessToken;
  if (!token) throw new Error(`admin login failed: ${JSON.stringify(res.body.errors)}`);
  return token;
}

async function me(server: TestServer, token: string) {
  return server.gql<{ me: { id: string } }>("{ me { id } }", undefined, { token });
}

describe("ES256 signing with keys in the database", () => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startServer({ env: { ...ES256_ENV, PUBLIC_URL: "https://auth.example.test", JWT_ISSUER: "https://auth.example.test" } });
    admin = await adminToken(server);
  }, 60_000);
  afterAll(() => server?.close());

  it("signs with the CURRENT key, names it by kid, and publishes NEXT and CURRENT (public members only)", async () => {
    const pair = await signup(server, "es256@example.com");
    expect(header(pair.accessToken)).toMatchObject({ alg: "ES256", typ: "at+jwt", kid: expect.any(String) });
    const response = await fetch(`${server.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=600");
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    }
    expect(keys.map((k) => k.kid)).toContain(header(pair.accessToken).kid);
  });

  it("answers If-None-Match with 304 while the key set is unchanged", async () => {
    const first = await fetch(`${server.url}/.well-known/jwks.json`);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    for (const match of [etag ?? "", `W/${etag}`, `"other", ${etag}`]) {
      const again = await fetch(`${server.url}/.well-known/jwks.json`, { headers: { "if-none-match": match } });
      expect(again.status).toBe(304);
    }
    expect((await fetch(`${server.url}/.well-known/jwks.json`, { headers: { "if-none-match": '"stale"' } })).status).toBe(200);
  });

  it("publishes a discovery document naming PUBLIC_URL, and jose verifies our tokens through it (typ, iss, aud checked)", async () => {
    const response = await fetch(`${server.url}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: "https://auth.example.test",
      jwks_uri: "https://auth.example.test/.well-known/jwks.json",
      id_token_signing_alg_values_supported: ["ES256"],
    });
    expect(discovery).not.toHaveProperty("introspection_endpoint");
    const pair = await signup(server, "jose@example.com");
    // The discovery names the public URL; the test reaches the same server on its loopback address.
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(pair.accessToken, jwks, {
      issuer: "https://auth.example.test",
      audience: "graphql-auth-server",
      typ: "at+jwt",
      algorithms: ["ES256"],
    });
    expect(protectedHeader.kid).toBe(header(pair.accessToken).kid);
    expect(payload).toMatchObject({ sub: pair.user.id, role: "USER" });
    await expect(jwtVerify(pair.accessToken, jwks, { issuer: "https://evil.test", audience: "graphql-auth-server" })).rejects.toThrow();
    await expect(jwtVerify(pair.accessToken, jwks, { issuer: "https://auth.example.test", audience: "graphql-auth-server", typ: "JWT" })).rejects.toThrow();
  });

  it("lists keys for ADMINs only; refuses a rotation before the NEXT key was published long enough", async () => {
    const user = await signup(server, "not-admin@example.com");
    const denied = await server.gql(`{ signingKeys { kid } }`, undefined, { token: user.accessToken });
    expect(onlyError(denied).extensions).toMatchObject({ code: "FORBIDDEN" });
    const listed = await server.gql<{ signingKeys: Array<{ state: string; promotableAt: string | null }> }>(`{ signingKeys { ${KEY_FIELDS} } }`, undefined, { token: admin });
    expect(listed.body.data?.signingKeys.map((k) => k.state)).toEqual(["CURRENT", "NEXT"]);
    const next = listed.body.data?.signingKeys.find((k) => k.state === "NEXT");
    const waitMs = new Date(next?.promotableAt ?? 0).getTime() - server.clock.now().getTime();
    expect(waitMs).toBeGreaterThan(PROMOTION_DELAY_MS - 60_000);
    const refused = await server.gql(`mutation { rotateSigningKey { kid } }`, undefined, { token: admin });
    expect(onlyError(refused).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "ROTATION_TOO_EARLY" });
    expect(Math.abs((onlyError(refused).extensions?.retryAfter as number) * 1000 - waitMs)).toBeLessThan(5_000);
  });

  it("rotates: old tokens keep working (PREVIOUS), new ones carry the new kid; revoking the old key ends its tokens at once", async () => {
    const before = await signup(server, "rotation@example.com");
    server.clock.advance(PROMOTION_DELAY_MS);
    const rotated = await server.gql<{ rotateSigningKey: { kid: string; state: string } }>(`mutation { rotateSigningKey { ${KEY_FIELDS} } }`, undefined, { token: admin });
    expect(rotated.body.errors).toBeUndefined();
    const newKid = rotated.body.data?.rotateSigningKey.kid;
    expect(rotated.body.data?.rotateSigningKey.state).toBe("CURRENT");
    const oldKid = header(before.accessToken).kid as string;
    expect(newKid).not.toBe(oldKid);
    expect((await me(server, before.accessToken)).body.data?.me.id).toBe(before.user.id);
    const after = await login(server, "rotation@example.com");
    expect(header(after.body.data?.login.accessToken ?? "").kid).toBe(newKid);
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    expect(jwks.keys).toHaveLength(3);

    const socket = wsClient(server.url, { authorization: `Bearer ${before.accessToken}` });
    await socket.connected;
    const revoked = await server.gql<{ revokeSigningKey: boolean }>(`mutation($kid: ID!) { revokeSigningKey(kid: $kid) }`, { kid: oldKid }, { token: admin });
    expect(revoked.body.data?.revokeSigningKey).toBe(true);
    expect(onlyError(await me(server, before.accessToken)).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    // A socket signed in with a token of the revoked key is closed too.
    expect(await socket.closed).toMatchObject({ code: 4401 });
    // The admin's own token was signed by the revoked key as well.
    expect(onlyError(await me(server, admin)).extensions).toMatchObject({ reason: "TOKEN_INVALID" });
    admin = await adminToken(server);
    const again = await server.gql<{ revokeSigningKey: boolean }>(`mutation($kid: ID!) { revokeSigningKey(kid: $kid) }`, { kid: oldKid }, { token: admin });
    expect(again.body.data?.revokeSigningKey).toBe(false);
    const unknown = await server.gql(`mutation { revokeSigningKey(kid: "nope") }`, undefined, { token: admin });
    expect(onlyError(unknown).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "UNKNOWN_KEY" });
    const listed = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(listed.keys.map((k) => k.kid)).not.toContain(oldKid);

    const audit = await server.gql<{ auditEvents: Array<{ type: string; userId: string | null; detail: Record<string, unknown> }> }>(
      `{ auditEvents(first: 20) { type userId detail } }`,
      undefined,
      { token: admin },
    );
    const types = audit.body.data?.auditEvents.map((e) => e.type) ?? [];
    expect(types).toEqual(expect.arrayContaining(["SIGNING_KEY_ROTATED", "SIGNING_KEY_REVOKED", "SIGNING_KEY_CREATED"]));
    expect(audit.body.data?.auditEvents.find((e) => e.type === "SIGNING_KEY_REVOKED")?.detail).toMatchObject({ kid: oldKid, state: "PREVIOUS" });
  });

  it("revoking the CURRENT key hands signing to NEXT and publishes a new NEXT", async () => {
    const pair: Pair = await signup(server, "revoke-current@example.com");
    admin = await adminToken(server);
    const currentKid = header(pair.accessToken).kid as string;
    const res = await server.gql<{ revokeSigningKey: boolean }>(`mutation($kid: ID!) { revokeSigningKey(kid: $kid) }`, { kid: currentKid }, { token: admin });
    expect(res.body.data?.revokeSigningKey).toBe(true);
    expect(onlyError(await me(server, pair.accessToken)).extensions).toMatchObject({ reason: "TOKEN_INVALID" });
    const fresh = await signup(server, "after-revoke@example.com");
    expect(header(fresh.accessToken).kid).not.toBe(currentKid);
    expect((await me(server, fresh.accessToken)).body.data?.me.id).toBe(fresh.user.id);
    const states = await server.gql<{ signingKeys: Array<{ state: string }> }>(`{ signingKeys { state } }`, undefined, { token: await adminToken(server) });
    const live = states.body.data?.signingKeys.map((k) => k.state).filter((s) => s !== "REVOKED");
    expect(live?.filter((s) => s === "CURRENT")).toHaveLength(1);
    expect(live?.filter((s) => s === "NEXT")).toHaveLength(1);
  });
});

describe("HS256 deployments", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password } });
  }, 60_000);
  afterAll(() => server?.close());

  it("publish an empty key set (never the secret) and refuse key operations as not managed here", async () => {
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks).toEqual({ keys: [] });
    const pair = await signup(server, "hs@example.com");
    expect(header(pair.accessToken)).toMatchObject({ alg: "HS256", kid: expect.stringMatching(/^hs-/) });
    const admin = await adminToken(server);
    const listed = await server.gql<{ signingKeys: unknown[] }>(`{ signingKeys { kid } }`, undefined, { token: admin });
    expect(listed.body.data?.signingKeys).toEqual([]);
    const rotate = await server.gql(`mutation { rotateSigningKey { kid } }`, undefined, { token: admin });
    expect(onlyError(rotate).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "KEYS_NOT_MANAGED" });
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.id_token_signing_alg_values_supported).toEqual([]);
  });
});

describe("RS256 and key files", () => {
  async function verifiedByJose(server: TestServer, algorithm: "ES256" | "RS256") {
    const pair = await signup(server, `${algorithm.toLowerCase()}-${Math.random().toString(36).slice(2)}@example.com`);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { protectedHeader } = await jwtVerify(pair.accessToken, jwks, {
      issuer: "graphql-auth-server",
      audience: "graphql-auth-server",
      typ: "at+jwt",
      algorithms: [algorithm],
    });
    return protectedHeader;
  }

  it("RS256 keys in the database: 2048-bit RSA keys published with n and e", async () => {
    const server = await startServer({ env: { JWT_SECRET: "", JWT_ALGORITHM: "RS256", KEY_ENCRYPTION_KEY: KEK } });
    try {
      const { keys } = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
      for (const key of keys) {
        expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
        expect(Buffer.from(key.n ?? "", "base64url").length).toBe(256);
      }
      expect(await verifiedByJose(server, "RS256")).toMatchObject({ alg: "RS256" });
    } finally {
      await server.close();
    }
  }, 60_000);

  it("JWT_PRIVATE_KEY_FILE (a JWK here): signs and is published under its RFC 7638 thumbprint; not rotatable here", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyfile-"));
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    writeFileSync(join(dir, "key.json"), JSON.stringify(privateKey.export({ format: "jwk" })), { mode: 0o600 });
    const server = await startServer({
      env: { JWT_SECRET: "", JWT_PRIVATE_KEY_FILE: join(dir, "key.json"), BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
    });
    try {
      const { keys } = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<Record<string, string>> };
      expect(keys).toHaveLength(1);
      expect(keys[0]).not.toHaveProperty("d");
      const protectedHeader = await verifiedByJose(server, "ES256");
      expect(protectedHeader.kid).toBe(keys[0]?.kid);
      const admin = await adminToken(server);
      const listed = await server.gql<{ signingKeys: Array<{ kid: string; state: string }> }>(`{ signingKeys { kid state } }`, undefined, { token: admin });
      expect(listed.body.data?.signingKeys).toEqual([{ kid: keys[0]?.kid, state: "CURRENT" }]);
      const rotate = await server.gql(`mutation { rotateSigningKey { kid } }`, undefined, { token: admin });
      expect(onlyError(rotate).extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "KEYS_NOT_MANAGED" });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("changing JWT_ALGORITHM from ES256 to RS256 on a database with keys", () => {
  it("is a rotation: old tokens keep working, both algorithms are announced, RS256 signs once its key was published long enough", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alg-switch-"));
    const databaseUrl = `pglite:${join(dir, "pglite")}`;
    const env = { JWT_SECRET: "", KEY_ENCRYPTION_KEY: KEK, JWKS_MAX_AGE: "1" };
    try {
      const before = await withServer({ databaseUrl, env: { ...env, JWT_ALGORITHM: "ES256" } }, (s) => signup(s, "switch@example.com"));
      await withServer({ databaseUrl, env: { ...env, JWT_ALGORITHM: "RS256" } }, async (server) => {
        const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
        expect(discovery.id_token_signing_alg_values_supported).toEqual(["RS256", "ES256"]);
        expect((await me(server, before.accessToken)).body.data?.me.id).toBe(before.user.id);
        // The RS256 key signs after JWKS_MAX_AGE + the reload interval + the clock tolerance (7 s here), promoted by the key job.
        const deadline = Date.now() + 15_000;
        let alg = header((await login(server, "switch@example.com")).body.data?.login.accessToken ?? "").alg;
        while (alg !== "RS256" && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          alg = header((await login(server, "switch@example.com")).body.data?.login.accessToken ?? "").alg;
        }
        expect(alg).toBe("RS256");
        expect((await me(server, before.accessToken)).body.data?.me.id).toBe(before.user.id);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
