import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { type KitProcess, PackedKit } from "../support/packed-kit";
import { login, onlyError, refresh, signup, startServer, type TestServer } from "../support/server";

/**
 * The issue's promise, end to end: another service (a separate process importing the packed
 * package, as an outside project would) verifies the auth server's tokens over its JWKS while
 * keys rotate under continuous traffic, and never fails a request; a revoked key's tokens fail
 * there within JWKS_MAX_AGE and at once on the auth server.
 */
const SERVICE = path.join(findProjectRoot(__dirname), "test", "fixtures", "verifier-service", "server.js");
const ADMIN = { email: "rotation-admin@example.com", password: "correct horse battery staple" };
const JWKS_MAX_AGE_S = 1;
/** A NEXT key may sign once published for JWKS_MAX_AGE plus the key reload interval (also 1 s here) and the 5 s clock tolerance. */
const PROMOTION_DELAY_MS = (2 * JWKS_MAX_AGE_S + 5) * 1000;

interface Answer {
  ok: boolean;
  detail: string;
}

async function whoami(serviceUrl: string, token: string): Promise<Answer & { reason: unknown }> {
  const response = await fetch(serviceUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: "{ whoami }" }),
  });
  const body = (await response.json()) as { data?: { whoami?: string } | null; errors?: Array<{ extensions?: Record<string, unknown> }> };
  const ok = response.status === 200 && typeof body.data?.whoami === "string" && !body.errors;
  return { ok, detail: JSON.stringify(body), reason: body.errors?.[0]?.extensions?.reason };
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as { kid: string }).kid;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a separate service verifying tokens over JWKS while keys rotate", () => {
  let server: TestServer;
  let kit: PackedKit;
  let service: KitProcess;
  let serviceUrl: string;

  beforeAll(async () => {
    server = await startServer({
      env: {
        JWT_SECRET: "",
        JWT_ALGORITHM: "ES256",
        KEY_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
        JWKS_MAX_AGE: String(JWKS_MAX_AGE_S),
        BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      },
    });
    kit = await PackedKit.install();
    service = kit.start(kit.copyIn(SERVICE, "server.js"), {
      ISSUER: "graphql-auth-server",
      AUDIENCE: "graphql-auth-server",
      JWKS_URL: `${server.url}/.well-known/jwks.json`,
      PORT: "0",
      // Like a verifier that never refetches on an unknown kid: only the cache lifetime brings new
      // keys, so a key that signed before its publication delay would fail requests here.
      JWKS_REFETCH_COOLDOWN_MS: "600000",
    });
    serviceUrl = await service.waitFor(/^READY (\S+)$/m, 60_000);
  }, 300_000);

  afterAll(async () => {
    await service?.stop();
    kit?.remove();
    await server?.close();
  });

  async function adminToken(): Promise<string> {
    const res = await login(server, ADMIN.email, ADMIN.password);
    const token = res.body.data?.login.accessToken;
    if (!token) throw new Error(JSON.stringify(res.body.errors));
    return token;
  }

  /** Rotates as soon as the server allows it (it refuses ROTATION_TOO_EARLY until the NEXT key was published long enough). */
  async function rotate(): Promise<string> {
    for (;;) {
      const res = await server.gql<{ rotateSigningKey: { kid: string } }>("mutation { rotateSigningKey { kid } }", undefined, { token: await adminToken() });
      const kid = res.body.data?.rotateSigningKey.kid;
      if (kid) return kid;
      if (res.body.errors?.[0]?.extensions?.reason !== "ROTATION_TOO_EARLY") throw new Error(`rotation failed: ${JSON.stringify(res.body.errors)}`);
      await sleep(100);
    }
  }

  it("fails no request while keys rotate under continuous traffic", async () => {
    const users = await Promise.all([1, 2, 3, 4].map((i) => signup(server, `traffic${i}@example.com`)));
    const failures: string[] = [];
    let requests = 0;
    let stop = false;
    const seenKids = new Set<string>();
    // Each worker keeps refreshing (a token of whatever key signs now) and asks the other service
    // with the new token and with the one before it (possibly signed by the previous key).
    const worker = async (start: (typeof users)[number]) => {
      let refreshToken = start.refreshToken;
      let previous = start.accessToken;
      while (!stop) {
        const next = await refresh(server, refreshToken);
        const pair = next.body.data?.refreshToken;
        if (!pair) {
          failures.push(`refresh: ${JSON.stringify(next.body.errors)}`);
          return;
        }
        seenKids.add(kidOf(pair.accessToken));
        for (const token of [pair.accessToken, previous]) {
          requests++;
          const answer = await whoami(serviceUrl, token);
          if (!answer.ok) failures.push(`${kidOf(token)}: ${answer.detail}`);
        }
        refreshToken = pair.refreshToken;
        previous = pair.accessToken;
      }
    };
    const traffic = Promise.all(users.map(worker));
    const rotatedTo: string[] = [];
    const first = Date.now();
    for (let i = 0; i < 3; i++) rotatedTo.push(await rotate());
    const rotationsTookMs = Date.now() - first;
    await sleep(1500);
    stop = true;
    await traffic;
    expect(failures).toEqual([]);
    expect(rotatedTo).toHaveLength(3);
    // The server paced them: each new key waited for its publication delay before signing.
    expect(rotationsTookMs).toBeGreaterThanOrEqual(2 * PROMOTION_DELAY_MS - 200);
    // The traffic did meet the rotations: tokens of at least three different keys were verified.
    expect(seenKids.size).toBeGreaterThanOrEqual(3);
    expect(requests).toBeGreaterThan(50);
  }, 120_000);

  it("a revoked key's tokens fail at once on the auth server and within JWKS_MAX_AGE on the other service", async () => {
    const pair = await signup(server, "revoked-key@example.com");
    const kid = kidOf(pair.accessToken);
    expect((await whoami(serviceUrl, pair.accessToken)).ok).toBe(true);
    await rotate(); // the token's key is now PREVIOUS: still valid everywhere
    expect((await whoami(serviceUrl, pair.accessToken)).ok).toBe(true);

    const revoked = await server.gql<{ revokeSigningKey: boolean }>("mutation($kid: ID!) { revokeSigningKey(kid: $kid) }", { kid }, { token: await adminToken() });
    expect(revoked.body.data?.revokeSigningKey).toBe(true);
    const revokedAt = Date.now();
    const me = await server.gql("{ me { id } }", undefined, { token: pair.accessToken });
    expect(onlyError(me).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });

    let answer = await whoami(serviceUrl, pair.accessToken);
    while (answer.ok && Date.now() - revokedAt < 10_000) {
      await sleep(100);
      answer = await whoami(serviceUrl, pair.accessToken);
    }
    const elapsed = Date.now() - revokedAt;
    expect(answer).toMatchObject({ ok: false, reason: "TOKEN_INVALID" });
    // JWKS_MAX_AGE (1 s), plus one request's worth of slack on a loaded machine.
    expect(elapsed).toBeLessThan(JWKS_MAX_AGE_S * 1000 + 1500);
  }, 60_000);
});
