import { PAIR_FIELDS, signup, startServer, type TestServer } from "../support/server";

const APP_ORIGIN = "https://app.example.com";
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { ${PAIR_FIELDS} } }`;
const REFRESH = `mutation { refreshToken { accessToken refreshToken user { id } } }`;

interface Raw {
  status: number;
  body: any;
  cookies: string[];
}

async function post(server: TestServer, query: string, variables: object, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json(), cookies: res.headers.getSetCookie() };
}

/** The cookie name outside plain-http development (tests run with NODE_ENV=test). */
const COOKIE = "__Host-refresh_token";

function cookieValue(setCookie: string | undefined, name = COOKIE): string {
  const match = new RegExp(`^${name}=([^;]*)`).exec(setCookie ?? "");
  if (!match) throw new Error(`no ${name} cookie in ${setCookie}`);
  return match[1] ?? "";
}

describe("refresh token in an HttpOnly cookie", () => {
  let server: TestServer;
  const credentials = { email: "cookie@example.com", password: "correct horse battery" };
  const tokenRow = (hash: string) => server.app.db.prisma.refreshToken.findUnique({ where: { tokenHash: hash } });
  const sha256 = (token: string) => require("node:crypto").createHash("sha256").update(token).digest("hex") as string;

  beforeAll(async () => {
    server = await startServer({ env: { CORS_ORIGINS: `${APP_ORIGIN},http://localhost:5173` } });
    await signup(server, credentials.email, credentials.password);
  });
  afterAll(() => server?.close());

  async function cookieLogin(): Promise<{ token: string; raw: Raw }> {
    const raw = await post(server, LOGIN, { i: credentials }, { "x-refresh-token-transport": "cookie" });
    return { token: cookieValue(raw.cookies[0]), raw };
  }

  it("login sets a hardened cookie and keeps the token out of the body", async () => {
    const { token, raw } = await cookieLogin();
    expect(raw.body.data.login.refreshToken).toBeNull();
    expect(raw.body.data.login.accessToken).toEqual(expect.any(String));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const attributes = raw.cookies[0]?.split(";").map((a) => a.trim().toLowerCase()) ?? [];
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/", "secure"]));
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);
    const maxAge = Number(attributes.find((a) => a.startsWith("max-age="))?.slice(8));
    expect(maxAge).toBeGreaterThan(14 * 86400 - 60);
    expect(maxAge).toBeLessThanOrEqual(14 * 86400);
  });

  it("refreshToken without an argument reads the cookie, rotates it and answers with a new cookie", async () => {
    const { token } = await cookieLogin();
    const raw = await post(server, REFRESH, {}, { cookie: `${COOKIE}=${token}` });
    expect(raw.body.errors).toBeUndefined();
    expect(raw.body.data.refreshToken.refreshToken).toBeNull();
    const next = cookieValue(raw.cookies[0]);
    expect(next).not.toBe(token);
    expect((await tokenRow(sha256(token)))?.rotatedAt).not.toBeNull();
    const again = await post(server, REFRESH, {}, { cookie: `${COOKIE}=${next}`, "x-refresh-token-transport": "cookie" });
    expect(cookieValue(again.cookies[0])).not.toBe(next);
  });

  it("logout without an argument revokes the cookie's session and clears the cookie", async () => {
    const { token } = await cookieLogin();
    const raw = await post(server, `mutation { logout }`, {}, { cookie: `${COOKIE}=${token}` });
    expect(raw.body.data).toEqual({ logout: true });
    expect(raw.cookies[0]).toMatch(/^__Host-refresh_token=;/);
    expect(raw.cookies[0]?.toLowerCase()).toContain("max-age=0");
    expect((await tokenRow(sha256(token)))?.revokedAt).not.toBeNull();
  });

  it("a dead cookie token fails with INVALID_REFRESH_TOKEN and is cleared", async () => {
    const raw = await post(server, REFRESH, {}, { cookie: `${COOKIE}=${"A".repeat(43)}` });
    expect(raw.body.errors[0].extensions.code).toBe("INVALID_REFRESH_TOKEN");
    expect(raw.cookies[0]?.toLowerCase()).toContain("max-age=0");
  });

  it("body transport is unchanged for native clients: no cookie is set", async () => {
    const raw = await post(server, LOGIN, { i: credentials });
    expect(raw.body.data.login.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(raw.cookies).toEqual([]);
  });

  it("a cross-site simple request (form or text/plain, no preflight) cannot refresh or log out", async () => {
    const { token } = await cookieLogin();
    const attempts = [
      { "content-type": "application/x-www-form-urlencoded", body: `query=${encodeURIComponent("mutation { logout }")}` },
      { "content-type": "text/plain", body: JSON.stringify({ query: "mutation { refreshToken { accessToken } }" }) },
      { "content-type": "multipart/form-data; boundary=x", body: `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nmutation { logout }\r\n--x--` },
    ];
    for (const { body, ...headers } of attempts) {
      const res = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { ...headers, cookie: `${COOKIE}=${token}`, origin: "https://evil.example" },
        body,
      });
      expect([headers["content-type"], res.status]).toEqual([headers["content-type"], expect.any(Number)]);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent("mutation { logout }")}`, {
      headers: { cookie: `${COOKIE}=${token}`, "apollo-require-preflight": "true" },
    });
    expect(get.status).toBeGreaterThanOrEqual(400);
    const row = await tokenRow(sha256(token));
    expect([row?.rotatedAt, row?.revokedAt]).toEqual([null, null]);
  });

  it("CORS: credentialed preflight only for configured origins", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/graphql`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,x-refresh-token-transport",
        },
      });
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("x-refresh-token-transport");
    const denied = await preflight("https://evil.example");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    expect(denied.headers.get("access-control-allow-credentials")).toBeNull();
  });
});

describe("cookie Secure flag", () => {
  it("is omitted only for plain-http development", async () => {
    const dev = await startServer({ env: { NODE_ENV: "development", LOG_LEVEL: "silent" } });
    try {
      await signup(dev, "dev@example.com");
      const raw = await post(dev, LOGIN, { i: { email: "dev@example.com", password: "correct horse battery" } }, {
        "x-refresh-token-transport": "cookie",
      });
      expect(raw.cookies[0]).toMatch(/^refresh_token=/);
      const attributes = raw.cookies[0]?.split(";").map((a) => a.trim().toLowerCase()) ?? [];
      expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=strict", "path=/graphql"]));
      expect(attributes).not.toContain("secure");
    } finally {
      await dev.close();
    }
  });
});
