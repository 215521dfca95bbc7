import type { Page } from "playwright-core";
import type { AuthSessionEvent } from "../../src/client";
import type { SessionEventMessage } from "../../src/client/ws";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { type KitPage, startKitPage } from "../support/kit-page";
import { login, signup, startServer, type TestServer } from "../support/server";

/** What test/browser/pages/kit-tab.ts puts on the page. */
interface KitTab {
  events: AuthSessionEvent[];
  sessionEvents: SessionEventMessage[];
  status(): string;
  token(): string | null;
  signIn(email: string, password: string): Promise<{ refreshTokenInBody: string | null }>;
  dashboard(via: "apollo" | "urql"): Promise<Array<{ ok: boolean; code?: string; reason?: string }>>;
  signOut(): Promise<void>;
  watchSessionEvents(): void;
  wsConnectionToken(): string | null;
}
declare const kitTab: KitTab;

const PASSWORD = "correct horse battery";
/** Past the default 15-minute access token on the server's clock; the browser's clock stays put. */
const EXPIRE = 16 * 60_000;
let users = 0;

/** A new account whose signup session is already ended, so the browser's is its only live one. */
async function newUser(server: TestServer): Promise<{ email: string; id: string }> {
  const email = `kit-${process.pid}-${++users}@example.com`;
  const pair = await signup(server, email, PASSWORD);
  await server.gql("mutation($t: String) { logout(refreshToken: $t) }", { t: pair.refreshToken });
  return { email, id: pair.user.id };
}

/** The session an access token belongs to (its `sid` claim). */
const sessionOf = (token: string | null) => JSON.parse(Buffer.from((token ?? "").split(".")[1] ?? "", "base64url").toString()).sid as string;

async function openTab(page: Page, url: string): Promise<Page> {
  await page.goto(url);
  await page.waitForFunction(() => "kitTab" in globalThis);
  return page;
}

const status = (tab: Page) => tab.evaluate(() => kitTab.status());
const token = (tab: Page) => tab.evaluate(() => kitTab.token());
const events = (tab: Page) => tab.evaluate(() => kitTab.events);
const signIn = (tab: Page, email: string) => tab.evaluate(([e, p]) => kitTab.signIn(e, p), [email, PASSWORD] as const);
const dashboard = (tab: Page, via: "apollo" | "urql") => tab.evaluate((v) => kitTab.dashboard(v), via);
const waitForStatus = (tab: Page, wanted: string) => tab.waitForFunction((w) => kitTab.status() === w, wanted);

describe("the client kit in headless Chromium", () => {
  let browser: TestBrowser;
  let server: TestServer;
  /** Page and API on one origin: the page server passes /graphql through (the Vite proxy recipe). */
  let site: KitPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startServer();
    site = await startKitPage({ api: server.url });
  }, 120_000);
  afterAll(async () => {
    await site?.close();
    await server?.close();
    await browser?.close();
  });

  async function twoTabs(transport: "cookie" | "body") {
    const context = await browser.context();
    const url = site.url({ transport });
    const a = await openTab(await context.newPage(), url);
    const b = await openTab(await context.newPage(), url);
    return { context, a, b };
  }

  const refreshTokensOf = (sessionId: string) => server.app.db.prisma.refreshToken.count({ where: { sessionId } });

  it.each(["cookie", "body"] as const)(
    "%s mode: two tabs, the access token expired under five concurrent queries in each → exactly one refreshToken call reaches the server",
    async (transport) => {
      const { email } = await newUser(server);
      const { context, a, b } = await twoTabs(transport);
      try {
        const { refreshTokenInBody } = await signIn(a, email);
        // Cookie mode: the link asked for the cookie transport, so the body carries no refresh token.
        if (transport === "cookie") expect(refreshTokenInBody).toBeNull();
        else expect(refreshTokenInBody).toEqual(expect.any(String));
        await waitForStatus(b, "signed-in");
        const first = await token(a);
        expect(await token(b)).toBe(first);

        const before = site.operations.length;
        server.clock.advance(EXPIRE);
        const [viaApollo, viaUrql] = await Promise.all([dashboard(a, "apollo"), dashboard(b, "urql")]);

        expect([...viaApollo, ...viaUrql]).toEqual(Array(10).fill({ ok: true }));
        const during = site.operations.slice(before);
        expect(during.filter((op) => op.fields.includes("refreshToken"))).toEqual([expect.objectContaining({ code: null })]);
        // Every query the server refused was replayed once with the new token.
        const refused = during.filter((op) => op.reason === "TOKEN_EXPIRED");
        expect(refused.length).toBeGreaterThanOrEqual(5);
        expect(during.filter((op) => !op.fields.includes("refreshToken"))).toHaveLength(10 + refused.length);
        // Both tabs now use the one new token; the server issued one refresh token besides the login's.
        const renewed = await token(a);
        expect(renewed).not.toBe(first);
        expect(await token(b)).toBe(renewed);
        expect(await refreshTokensOf(sessionOf(renewed))).toBe(2);
      } finally {
        await context.close();
      }
    },
  );

  it("a sign-out in one tab signs the other out, and it stops sending the token", async () => {
    const { email } = await newUser(server);
    const { context, a, b } = await twoTabs("cookie");
    try {
      await signIn(a, email);
      await waitForStatus(b, "signed-in");
      const sessionId = sessionOf(await token(a));
      const before = site.operations.length;
      await a.evaluate(() => kitTab.signOut());
      await waitForStatus(b, "signed-out");
      expect((await events(b)).at(-1)).toEqual({ type: "signed-out", reason: "SIGNED_OUT", origin: "other-tab" });
      expect(await dashboard(b, "urql")).toEqual(Array(5).fill({ ok: false, code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" }));
      const during = site.operations.slice(before);
      expect(during.filter((op) => op.fields.includes("logout"))).toEqual([expect.objectContaining({ code: null })]);
      expect(during.filter((op) => op.fields.includes("refreshToken"))).toEqual([]);
      const session = await server.app.db.prisma.session.findUnique({ where: { id: sessionId } });
      expect(session?.revokedAt).not.toBeNull();
    } finally {
      await context.close();
    }
  });

  it("websocket: an expiry (4401) costs one refresh and the subscription carries on; a revocation from another device signs every tab out", async () => {
    const { email } = await newUser(server);
    const { context, a, b } = await twoTabs("cookie");
    try {
      await signIn(a, email);
      await waitForStatus(b, "signed-in");
      await a.evaluate(() => kitTab.watchSessionEvents());
      const first = await token(a);
      await a.waitForFunction((t) => kitTab.wsConnectionToken() === t, first);

      const before = site.operations.length;
      server.clock.advance(EXPIRE);
      // The server closes the socket (4401) within a second; the kit refreshes and subscribes again.
      await a.waitForFunction((t) => kitTab.wsConnectionToken() !== null && kitTab.wsConnectionToken() !== t, first, { timeout: 30_000 });
      expect(await a.evaluate(() => kitTab.wsConnectionToken())).toBe(await token(a));
      expect(site.operations.slice(before).filter((op) => op.fields.includes("refreshToken"))).toHaveLength(1);
      expect(await token(b)).toBe(await token(a));

      // Another device signs in: the renewed subscription hears of it.
      const other = await login(server, email, PASSWORD);
      await a.waitForFunction(() => kitTab.sessionEvents.some((e) => e.type === "SESSION_CREATED" && !e.current));
      // …and ends every session: this browser learns it over the socket, and both tabs sign out.
      const ended = await server.gql<{ logoutAll: number }>("mutation { logoutAll }", {}, { token: other.body.data!.login.accessToken });
      expect(ended.body.data?.logoutAll).toBe(2);
      await waitForStatus(a, "signed-out");
      await waitForStatus(b, "signed-out");
      expect((await events(a)).at(-1)).toEqual({ type: "signed-out", reason: "SESSION_REVOKED", origin: "this-tab" });
      expect((await events(b)).at(-1)).toEqual({ type: "signed-out", reason: "SESSION_REVOKED", origin: "other-tab" });
    } finally {
      await context.close();
    }
  });
});

describe("cookie mode with the page on another origin of the API's site", () => {
  let browser: TestBrowser;
  let server: TestServer;
  let page: KitPage;
  let api: KitPage;

  beforeAll(async () => {
    browser = await launchBrowser();
    // http://127.0.0.1:<page port> and http://127.0.0.1:<api port>: one site, two origins.
    page = await startKitPage();
    server = await startServer({ env: { CORS_ORIGINS: page.origin } });
    api = await startKitPage({ api: server.url });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await page?.close();
    await server?.close();
    await browser?.close();
  });

  it("the HttpOnly cookie is set and sent across origins (CORS with credentials): a refresh works from it alone", async () => {
    const { email } = await newUser(server);
    const context = await browser.context();
    try {
      const url = page.url({ transport: "cookie", api: `${api.origin}/graphql` });
      const a = await openTab(await context.newPage(), url);
      // The sign-in page's first operation tries to restore a session from the cookie: there is none yet.
      expect(await signIn(a, email)).toEqual({ refreshTokenInBody: null });
      expect(api.operations.filter((op) => op.fields.includes("refreshToken"))).toEqual([
        expect.objectContaining({ code: "INVALID_REFRESH_TOKEN", reason: "REFRESH_TOKEN_MISSING" }),
      ]);
      const refreshes = () => api.operations.filter((op) => op.fields.includes("refreshToken") && op.code === null).length;
      const cookies = await context.cookies(api.origin);
      expect(cookies).toEqual([expect.objectContaining({ name: "__Host-refresh_token", httpOnly: true, sameSite: "Strict", secure: true, path: "/" })]);
      expect(await a.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe("");

      server.clock.advance(EXPIRE);
      expect(await dashboard(a, "apollo")).toEqual(Array(5).fill({ ok: true }));
      expect(refreshes()).toBe(1);

      // A tab opened later takes the shared token, and refreshes from the cookie when it is refused.
      server.clock.advance(EXPIRE);
      const b = await openTab(await context.newPage(), url);
      expect(await dashboard(b, "urql")).toEqual(Array(5).fill({ ok: true }));
      expect(refreshes()).toBe(2);
      expect(api.count("login")).toBe(1);
    } finally {
      await context.close();
    }
  });
});
