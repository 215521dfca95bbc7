import { launchBrowser, type TestBrowser } from "../support/browser";
import { withServer } from "../support/server";

/** The harness itself: Debian's Chromium starts headless and reaches a real server on loopback. */
describe("headless Chromium", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it("loads a page from a real server and runs a GraphQL request from it", async () => {
    await withServer({}, async (server) => {
      const context = await browser.context();
      const page = await context.newPage();
      await page.goto(`${server.url}/health`);
      const typename = await page.evaluate(async () => {
        const response = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
        return ((await response.json()) as { data: { __typename: string } }).data.__typename;
      });
      expect(typename).toBe("Query");
      await context.close();
    });
  });
});
