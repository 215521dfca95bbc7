import type { GraphQLServerContext } from "@apollo/server";
import { sandboxLandingPage, withGraphiQLLink } from "../../src/http/landing-page";

async function renderedPage(): Promise<string> {
  const listener = await sandboxLandingPage("/graphiql").serverWillStart?.({} as GraphQLServerContext);
  const page = await listener?.renderLandingPage?.();
  if (!page) throw new Error("no landing page");
  return typeof page.html === "string" ? page.html : page.html();
}

describe("the landing page on GET /graphql", () => {
  it("is Apollo's embedded Sandbox with a link to GraphiQL above it, styled under Apollo's nonce", async () => {
    const html = await renderedPage();
    expect(html).toContain("embeddable-sandbox.cdn.apollographql.com");
    expect(html).toMatch(/<body>\s*<style nonce="[0-9a-f]+">[\s\S]*?<\/style>\s*<p id="offline-explorer">Offline\? Use <a href="\/graphiql">GraphiQL at \/graphiql<\/a>/);
    const nonces = new Set([...html.matchAll(/nonce="?([0-9a-f]+)/g)].map((match) => match[1]));
    expect(nonces.size).toBe(1);
    // Online, the Sandbox moves below the bar instead of covering it.
    expect(html).toMatch(/#react-root #embeddableSandbox \{ top: 2\.5em;/);
  });

  it("gets a fresh nonce per render, as Apollo's does", async () => {
    const nonceOf = (html: string) => /<style nonce="([0-9a-f]+)">\s*#offline-explorer/.exec(html)?.[1];
    expect(nonceOf(await renderedPage())).not.toBe(nonceOf(await renderedPage()));
  });

  it("still shows the link, unstyled, on a page without a nonce or a <body> tag", () => {
    expect(withGraphiQLLink("<html><body><p>x</p></body></html>", "/graphiql")).toBe(
      '<html><body>\n<p id="offline-explorer">Offline? Use <a href="/graphiql">GraphiQL at /graphiql</a>: bundled with this server, it needs no network.</p><p>x</p></body></html>',
    );
    expect(withGraphiQLLink("<p>x</p>", "/graphiql")).toMatch(/^<p id="offline-explorer">[\s\S]*<p>x<\/p>$/);
  });
});
