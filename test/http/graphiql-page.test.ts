import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { GraphiQLAssets } from "../../src/http/graphiql-assets";
import { buildGraphiQLPage } from "../../src/http/graphiql-page";
import { externalLoads } from "../support/html-references";

/** Small stand-ins for Yoga's 9 MB of assets: the page's shape, not GraphiQL, is under test here. */
const ASSETS: GraphiQLAssets = {
  js: "var YogaGraphiQL = { renderYogaGraphiQL() {} }",
  css: ".graphiql-container { background: url(data:image/png;base64,AAAA) }",
  favicon: "data:image/x-icon;base64,AAAA",
  editorWorkerService: "self.onmessage = () => {}",
  jsonWorker: "/* json */",
  graphqlWorker: "/* graphql */",
};

const OPTIONS = { endpoint: "/graphql" };

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? "");
}

function hashSource(script: string): string {
  return `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;
}

describe("the GraphiQL page", () => {
  it("allows exactly its inline scripts by hash, and nothing remote", async () => {
    const page = await buildGraphiQLPage(ASSETS, OPTIONS);
    const html = page.html.toString("utf8");
    const scripts = inlineScripts(html);
    expect(scripts).toHaveLength(2);
    const directives = Object.fromEntries(page.contentSecurityPolicy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    expect(directives["script-src"]?.sort()).toEqual(scripts.map(hashSource).sort());
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["form-action"]).toEqual(["'none'"]);
    expect(page.contentSecurityPolicy).not.toMatch(/https?:|unsafe-eval|\*/);
    expect(externalLoads(html)).toEqual([]);
  });

  it("inlines the bundle and renders GraphiQL over the websocket protocol with the sign-in's connection payload", async () => {
    const html = (await buildGraphiQLPage(ASSETS, OPTIONS)).html.toString("utf8");
    expect(html).toContain(ASSETS.js);
    expect(html).toContain('"subscriptionsProtocol":"WS"');
    expect(html).toContain('"endpoint":"/graphql"');
    expect(html).toContain("connectionParams: () => window.graphiqlSignIn.connectionParams()");
    expect(html).toContain('<form id="sign-in"');
  });

  it("escapes inlined JSON so a worker's source cannot close the script element", async () => {
    const page = await buildGraphiQLPage({ ...ASSETS, jsonWorker: "/* </script><script>alert(1)</script> */" }, OPTIONS);
    const html = page.html.toString("utf8");
    expect(inlineScripts(html)).toHaveLength(2);
    expect(html).not.toContain("alert(1)</script>");
  });

  it.each<[string, Partial<GraphiQLAssets>]>([
    ["a bundle with </script>", { js: "var s = '</SCRIPT>'" }],
    ["CSS with </style>", { css: "a{} </style><script>x</script>" }],
  ])("refuses %s, which could not be inlined", async (_what, assets) => {
    await expect(buildGraphiQLPage({ ...ASSETS, ...assets }, OPTIONS)).rejects.toThrow(/cannot be inlined/);
  });

  it("is gzipped once, and tagged by its content", async () => {
    const page = await buildGraphiQLPage(ASSETS, OPTIONS);
    expect(gunzipSync(page.gzipped).equals(page.html)).toBe(true);
    expect(page.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect((await buildGraphiQLPage(ASSETS, OPTIONS)).etag).toBe(page.etag);
    expect((await buildGraphiQLPage({ ...ASSETS, js: `${ASSETS.js};` }, OPTIONS)).etag).not.toBe(page.etag);
  });
});

describe("externalLoads (the scan the page tests rely on)", () => {
  it("finds remote src, href and CSS URLs, but not links, scripts' code or data: URLs", () => {
    const html = `<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/x.js"></script>
      <script>const s = '<img src="https://in.code/">';</script><a href="https://docs.example">docs</a>
      <style>@import "https://fonts.example/a.css"; b { background: url(https://img.example/b.png) } i { background: url(data:image/png;base64,AA) }</style>
      <img src=http://img.example/c.png><link rel="icon" href="data:image/x-icon;base64,AA">`;
    expect(externalLoads(html)).toEqual([
      "https://cdn.example/x.css",
      "//cdn.example/x.js",
      "http://img.example/c.png",
      "https://fonts.example/a.css",
      "https://img.example/b.png",
    ]);
  });
});
