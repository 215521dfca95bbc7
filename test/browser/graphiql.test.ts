import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { offlineButFor } from "../support/offline";
import { login, signup, withServer } from "../support/server";

/** What the page exposes: Monaco's global API (the page turns it on for the sign-in bar). */
interface PageGlobals {
  monaco?: { editor: { getModels(): Array<{ uri: { path: string }; getValue(): string; setValue(text: string): void }> } };
}

/** The text of one of GraphiQL's editors, by the model name GraphiQL gives it. */
function editorText(page: Page, model: string): Promise<string | null> {
  return page.evaluate((name) => {
    const found = (globalThis as unknown as PageGlobals).monaco?.editor.getModels().find((m) => m.uri.path.endsWith(name));
    return found ? found.getValue() : null;
  }, model);
}

/** Sets the operation as a user would by typing it, without Monaco's auto-closing brackets in the way. */
async function setOperation(page: Page, text: string): Promise<void> {
  await page.evaluate((source) => {
    const model = (globalThis as unknown as PageGlobals).monaco?.editor.getModels().find((m) => m.uri.path.endsWith("operation.graphql"));
    if (!model) throw new Error("no operation editor");
    model.setValue(source);
  }, text);
}

/** Errors the page reports: script errors, failed loads, Content-Security-Policy refusals. */
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || /Content Security Policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** The graphql-ws messages the page sends, and a wait for the first of a type. */
function watchSocketMessages(page: Page): { sent: Array<{ type: string; payload?: unknown }>; until(type: string): Promise<void> } {
  const sent: Array<{ type: string; payload?: unknown }> = [];
  const waiting: Array<{ type: string; resolve(): void }> = [];
  page.on("websocket", (socket) =>
    socket.on("framesent", (frame) => {
      const message = JSON.parse(String(frame.payload)) as { type: string; payload?: unknown };
      sent.push(message);
      for (const waiter of waiting) if (waiter.type === message.type) waiter.resolve();
    }),
  );
  const until = (type: string) =>
    new Promise<void>((resolve, reject) => {
      if (sent.some((message) => message.type === type)) return resolve();
      waiting.push({ type, resolve });
      setTimeout(() => reject(new Error(`the page sent no ${type} message`)), WAIT_MS).unref();
    });
  return { sent, until };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EMAIL = "explorer@example.com";
const PASSWORD = "correct horse battery";
/** The first load parses 9 MB of inline script on a shared CI machine. */
const LOAD_TIMEOUT_MS = 90_000;
/** Playwright's default, for waits of our own. */
const WAIT_MS = 30_000;

describe("GraphiQL at /graphiql with no network (headless Chromium)", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("signs in, runs an operation and a subscription, and signs out, loading nothing from another host", async () => {
    await withServer({ env: { LOG_LEVEL: "silent" } }, async (server) => {
      await signup(server, EMAIL, PASSWORD);
      const context = await browser.context();
      const attempted = await offlineButFor(context, server.url);
      const page = await context.newPage();
      const problems = watchForProblems(page);
      const socketMessages = watchSocketMessages(page);
      await page.goto(`${server.url}/graphiql`, { timeout: LOAD_TIMEOUT_MS });
      await page.locator(".graphiql-execute-button").waitFor({ timeout: LOAD_TIMEOUT_MS });

      // The sign-in bar: login, then the access token in the headers editor.
      await page.fill('#sign-in input[name="email"]', EMAIL);
      await page.fill('#sign-in input[name="password"]', PASSWORD);
      await page.click('#sign-in button[type="submit"]');
      await page.locator("#sign-in-status", { hasText: `Signed in as ${EMAIL} (USER)` }).waitFor();
      const headers = JSON.parse((await editorText(page, "request-headers.json")) ?? "null") as { Authorization?: string };
      expect(headers.Authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(await page.inputValue('#sign-in input[name="password"]')).toBe("");

      // The default operation is `query Me { me { … } }`: it runs with that header.
      expect(await editorText(page, "operation.graphql")).toContain("query Me {");
      await page.click(".graphiql-execute-button");
      await page.locator(".graphiql-response", { hasText: EMAIL }).waitFor();
      expect(JSON.parse((await editorText(page, "response.json")) ?? "null")).toMatchObject({ data: { me: { email: EMAIL, role: "USER" } } });

      const dir = await mkdtemp(join(tmpdir(), "graphiql-screenshot-"));
      try {
        const path = join(dir, "graphiql.png");
        await page.screenshot({ path });
        const png = await readFile(path);
        expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect(png.length).toBeGreaterThan(10_000);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }

      // A subscription over the websocket: its connection payload carries the headers editor's token.
      await setOperation(page, "subscription Events { sessionEvents { type current } }");
      // The tab takes the operation's name once GraphiQL has parsed it; running earlier would run the old one.
      await page.locator(".graphiql-tab-active", { hasText: "Events" }).waitFor();
      await page.click(".graphiql-execute-button");
      await socketMessages.until("subscribe");
      expect(socketMessages.sent.find((message) => message.type === "connection_init")?.payload).toEqual({ authorization: headers.Authorization });
      await login(server, EMAIL, PASSWORD); // a second session of the account: an event for this one
      await page.locator(".graphiql-response", { hasText: "SESSION_CREATED" }).waitFor();
      expect(JSON.parse((await editorText(page, "response.json")) ?? "null")).toEqual({ data: { sessionEvents: { type: "SESSION_CREATED", current: false } } });
      await page.click(".graphiql-execute-button"); // stops the subscription

      // Sign-out ends the session on the server and removes the header.
      await page.click("#sign-out");
      await page.locator("#sign-in-status", { hasText: "Signed out" }).waitFor();
      expect(JSON.parse((await editorText(page, "request-headers.json")) ?? "null")).toEqual({});
      server.clock.advance(2_000); // past the per-process session cache
      const token = headers.Authorization?.slice("Bearer ".length);
      const me = await server.gql("{ me { id } }", {}, token ? { token } : {});
      expect(me.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

      expect(attempted).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    });
  }, 240_000);

  it("is linked from the landing page on /graphql, which Apollo Sandbox cannot fill offline", async () => {
    await withServer({ env: { LOG_LEVEL: "silent" } }, async (server) => {
      const context = await browser.context();
      const attempted = await offlineButFor(context, server.url);
      const page = await context.newPage();
      await page.goto(`${server.url}/graphql`);
      const link = page.getByRole("link", { name: "GraphiQL at /graphiql" });
      await link.waitFor();
      expect(await link.isVisible()).toBe(true);
      // The page did try Apollo's CDN, and got nothing: the link is what the developer has.
      expect(attempted.some((url) => url.startsWith("https://embeddable-sandbox.cdn.apollographql.com/"))).toBe(true);
      await link.click();
      await page.waitForURL(`${server.url}/graphiql`, { timeout: LOAD_TIMEOUT_MS });
      await context.close();
    });
  }, 150_000);
});
