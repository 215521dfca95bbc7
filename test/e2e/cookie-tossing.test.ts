import { createHash } from "node:crypto";
import { request } from "node:http";
import { PAIR_FIELDS, signup, startServer, type TestServer } from "../support/server";

/**
 * Cookie tossing: a sibling subdomain or a network attacker plants a second refresh cookie (its own
 * session) beside the victim's. Taking "the first" lets the planter choose which session the
 * victim's browser keeps using; the server must refuse to choose.
 */
const SECURE = "__Host-refresh_token";
const DEV = "refresh_token";
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { ${PAIR_FIELDS} } }`;
const REFRESH = "mutation { refreshToken { accessToken refreshToken } }";
const PASSWORD = "correct horse battery";

interface Raw {
  status: number;
  body: any;
  cookies: string[];
}

interface SetCookie {
  name: string;
  value: string;
  path: string | undefined;
  maxAge: string | undefined;
  secure: boolean;
}

function parseSetCookie(header: string): SetCookie {
  const [pair = "", ...attributes] = header.split(";").map((a) => a.trim());
  const lower = attributes.map((a) => a.toLowerCase());
  const attr = (key: string) => lower.find((a) => a.startsWith(`${key}=`))?.slice(key.length + 1);
  return { name: pair.slice(0, pair.indexOf("=")), value: pair.slice(pair.indexOf("=") + 1), path: attr("path"), maxAge: attr("max-age"), secure: lower.includes("secure") };
}

/** node:http, so that a request can carry several Cookie header lines, as a browser never would but a proxy might. */
function post(server: TestServer, query: string, cookie: string | string[], variables: object = {}): Promise<Raw> {
  const { hostname, port } = new URL(server.url);
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: "/graphql", method: "POST", headers: { "content-type": "application/json", cookie } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        const setCookie = res.headers["set-cookie"] ?? [];
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), cookies: setCookie });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");

function harness(env: Record<string, string>) {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer({ env });
    await signup(server, "victim@example.com");
    await signup(server, "planter@example.com");
  });
  afterAll(() => server?.close());
  const s = () => {
    if (!server) throw new Error("server did not start");
    return server;
  };
  return {
    s,
    /** A fresh session's refresh token (body transport, so the test holds it). */
    async token(email: string): Promise<string> {
      const res = await s().gql<{ login: { refreshToken: string } }>(LOGIN, { i: { email, password: PASSWORD } });
      const token = res.body.data?.login.refreshToken;
      if (!token) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
      return token;
    },
    async row(token: string) {
      const row = await s().app.db.prisma.refreshToken.findUnique({ where: { tokenHash: sha256(token) }, include: { session: true } });
      if (!row) throw new Error("no such token");
      return { rotated: row.rotatedAt !== null, revoked: row.session.revokedAt !== null };
    },
  };
}

const untouched = { rotated: false, revoked: false };
const SECURE_CLEARS = [
  { name: SECURE, path: "/" },
  { name: DEV, path: "/graphql" },
  { name: DEV, path: "/" },
];

function expectClearedEverySlot(raw: Raw, slots: Array<{ name: string; path: string }>, secure: boolean): void {
  const cookies = raw.cookies.map(parseSetCookie);
  expect(cookies.map(({ name, path }) => ({ name, path }))).toEqual(expect.arrayContaining(slots));
  expect(cookies).toHaveLength(slots.length);
  for (const cookie of cookies) expect(cookie).toMatchObject({ value: "", maxAge: "0", secure });
}

describe("refresh cookies outside plain-http development (__Host-refresh_token)", () => {
  const h = harness({});

  it.each([
    ["victim's first", (victim: string, planted: string) => `${SECURE}=${victim}; ${SECURE}=${planted}`],
    ["planted first", (victim: string, planted: string) => `${SECURE}=${planted}; ${SECURE}=${victim}`],
    ["in two Cookie header lines", (victim: string, planted: string) => [`${SECURE}=${planted}`, `${SECURE}=${victim}`]],
    ["beside other cookies", (victim: string, planted: string) => `theme=dark; ${SECURE}=${planted}; sid=x; ${SECURE}="${victim}"`],
  ])("refreshToken with two refresh cookies (%s) is refused as AMBIGUOUS_COOKIE, uses neither and clears all", async (_what, header) => {
    const victim = await h.token("victim@example.com");
    const planted = await h.token("planter@example.com");
    const raw = await post(h.s(), REFRESH, header(victim, planted));
    expect(raw.body.data).toBeNull();
    expect(raw.body.errors).toHaveLength(1);
    expect(raw.body.errors[0].extensions).toMatchObject({ code: "INVALID_REFRESH_TOKEN", reason: "AMBIGUOUS_COOKIE" });
    expectClearedEverySlot(raw, SECURE_CLEARS, true);
    expect([await h.row(victim), await h.row(planted)]).toEqual([untouched, untouched]);
  });

  it("a live cookie beside a garbage one is still ambiguous", async () => {
    const victim = await h.token("victim@example.com");
    const raw = await post(h.s(), REFRESH, `${SECURE}=not-a-token; ${SECURE}=${victim}`);
    expect(raw.body.errors[0].extensions.reason).toBe("AMBIGUOUS_COOKIE");
    expect(await h.row(victim)).toEqual(untouched);
  });

  it("50 ambiguous refreshes at once: all refused, neither token touched", async () => {
    const victim = await h.token("victim@example.com");
    const planted = await h.token("planter@example.com");
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => post(h.s(), REFRESH, i % 2 ? `${SECURE}=${victim}; ${SECURE}=${planted}` : `${SECURE}=${planted}; ${SECURE}=${victim}`)));
    expect(new Set(all.map((r) => r.body.errors?.[0]?.extensions?.reason))).toEqual(new Set(["AMBIGUOUS_COOKIE"]));
    expect([await h.row(victim), await h.row(planted)]).toEqual([untouched, untouched]);
  });

  it("the same value twice is not ambiguous: it refreshes", async () => {
    const victim = await h.token("victim@example.com");
    const raw = await post(h.s(), REFRESH, `${SECURE}=${victim}; ${SECURE}=${victim}`);
    expect(raw.body.errors).toBeUndefined();
    expect((await h.row(victim)).rotated).toBe(true);
  });

  it("an explicit argument still wins over ambiguous cookies", async () => {
    const victim = await h.token("victim@example.com");
    const planted = await h.token("planter@example.com");
    const raw = await post(h.s(), "mutation($t: String) { refreshToken(refreshToken: $t) { refreshToken } }", `${SECURE}=${planted}; ${SECURE}=${victim}`, { t: victim });
    expect(raw.body.errors).toBeUndefined();
    expect([await h.row(victim), await h.row(planted)]).toEqual([{ rotated: true, revoked: false }, untouched]);
  });

  it("logout with several refresh cookies ends every one of their sessions and clears them all", async () => {
    const victim = await h.token("victim@example.com");
    const planted = await h.token("planter@example.com");
    const third = await h.token("victim@example.com");
    const raw = await post(h.s(), "mutation { logout }", `${SECURE}=${planted}; ${SECURE}=${victim}; ${SECURE}=${third}`);
    expect(raw.body).toEqual({ data: { logout: true } });
    expectClearedEverySlot(raw, SECURE_CLEARS, true);
    for (const token of [victim, planted, third]) expect((await h.row(token)).revoked).toBe(true);
  });

  it.each([
    ["the development name", DEV],
    ["a percent-encoded prefix", "__%48ost-refresh_token"],
    ["another case", "__host-refresh_token"],
    ["a padded name", " __Host-refresh_token_"],
  ])("reads only __Host-refresh_token: a cookie under %s is ignored", async (_what, name) => {
    const planted = await h.token("planter@example.com");
    const alone = await post(h.s(), REFRESH, `${name}=${planted}`);
    // Ignored means not presented at all: the answer says no refresh token was sent.
    expect(alone.body.errors[0].extensions).toMatchObject({ code: "INVALID_REFRESH_TOKEN", reason: "REFRESH_TOKEN_MISSING" });
    // Beside the real cookie it neither wins nor makes the request ambiguous.
    const victim = await h.token("victim@example.com");
    const both = await post(h.s(), REFRESH, `${name}=${planted}; ${SECURE}=${victim}`);
    expect(both.body.errors).toBeUndefined();
    expect([await h.row(victim), await h.row(planted)]).toEqual([{ rotated: true, revoked: false }, untouched]);
  });
});

describe("refresh cookies in plain-http development (refresh_token, Path=/graphql)", () => {
  const h = harness({ NODE_ENV: "development", LOG_LEVEL: "silent" });
  const devClears = [
    { name: DEV, path: "/graphql" },
    { name: DEV, path: "/" },
  ];

  it("two refresh_token cookies are ambiguous; the clears cover / and /graphql without Secure", async () => {
    const victim = await h.token("victim@example.com");
    const planted = await h.token("planter@example.com");
    const raw = await post(h.s(), REFRESH, `${DEV}=${planted}; ${DEV}=${victim}`);
    expect(raw.body.errors[0].extensions).toMatchObject({ code: "INVALID_REFRESH_TOKEN", reason: "AMBIGUOUS_COOKIE" });
    expectClearedEverySlot(raw, devClears, false);
    expect([await h.row(victim), await h.row(planted)]).toEqual([untouched, untouched]);
  });

  it("reads only refresh_token: a __Host- cookie beside it changes nothing", async () => {
    const victim = await h.token("victim@example.com");
    const planted = await h.token("planter@example.com");
    const raw = await post(h.s(), REFRESH, `${SECURE}=${planted}; ${DEV}=${victim}`);
    expect(raw.body.errors).toBeUndefined();
    expect(parseSetCookie(raw.cookies[0] ?? "")).toMatchObject({ name: DEV, path: "/graphql", secure: false });
    expect([await h.row(victim), await h.row(planted)]).toEqual([{ rotated: true, revoked: false }, untouched]);
  });
});
