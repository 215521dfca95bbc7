import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { GraphiQLAssets } from "./graphiql-assets";
import { scriptHashSource, scriptJson } from "./inline-script";
import { SIGN_IN_GLOBAL, SIGN_IN_STYLE, signInMarkup, signInScript } from "./graphiql-sign-in";

export interface GraphiQLPage {
  html: Buffer;
  gzipped: Buffer;
  /** A strong entity tag of the HTML. */
  etag: string;
  /** Allows exactly the page's two inline scripts (by hash), this origin's GraphQL endpoint and websocket, and nothing remote. */
  contentSecurityPolicy: string;
}

export interface GraphiQLPageOptions {
  /** The GraphQL path; its websocket (graphql-transport-ws) is on the same path. */
  endpoint: string;
}

const DEFAULT_QUERY = `# GraphiQL, bundled with this server: no
# network needed.
#
# 1. Sign in with the bar above: the access
#    token goes into the Headers tab below.
# 2. Run with Ctrl-Enter or the ▶ button.
#
# Subscriptions use the websocket on the same
# path, with the Authorization header as the
# connection payload. In a new tab, try:
#
#   subscription {
#     sessionEvents { type current at }
#   }

query Me {
  me {
    id
    email
    role
    emailVerified
  }
}
`;

/** Yoga GraphiQL's options (JSON); connectionParams, a function, is added in the page script. */
function yogaOptions(options: GraphiQLPageOptions): Record<string, unknown> {
  return {
    title: "GraphiQL",
    endpoint: options.endpoint,
    // graphql-transport-ws on the endpoint's own URL (http → ws), not SSE.
    subscriptionsProtocol: "WS",
    credentials: "same-origin",
    // `query` is what Yoga opens with (unless the URL has ?query=); before Yoga 5.24 it ignores
    // defaultQuery and opens its own welcome text. defaultQuery is GraphiQL's, for new tabs.
    query: DEFAULT_QUERY,
    defaultQuery: DEFAULT_QUERY,
    // The Headers tab open from the start: that is where sign-in puts the token.
    defaultEditorToolsVisibility: "headers",
  };
}

/** Yoga's own page script, with Monaco's global API on (the sign-in bar edits the headers model through it). */
function graphiqlScript(assets: GraphiQLAssets, options: GraphiQLPageOptions): string {
  return `
(() => {
  const blobUrl = (source) => URL.createObjectURL(new Blob([source], { type: "application/javascript" }));
  const workers = {
    editorWorkerService: blobUrl(${scriptJson(assets.editorWorkerService)}),
    json: blobUrl(${scriptJson(assets.jsonWorker)}),
    graphql: blobUrl(${scriptJson(assets.graphqlWorker)}),
  };
  self.MonacoEnvironment = { globalAPI: true, getWorkerUrl: (_moduleId, label) => workers[label] };
})();
${assets.js};
YogaGraphiQL.renderYogaGraphiQL(
  document.getElementById("root"),
  Object.assign(${scriptJson(yogaOptions(options))}, { connectionParams: () => window.${SIGN_IN_GLOBAL}.connectionParams() }),
);
`;
}

function contentSecurityPolicy(scripts: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(scriptHashSource).join(" ")}`,
    // React and Monaco set style attributes and add <style> elements at run time.
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src data:",
    // 'self' covers the same host's ws: URL (CSP Level 3).
    "connect-src 'self'",
    // Monaco's workers are blob: URLs of inlined sources.
    "worker-src blob:",
    "base-uri 'none'",
    // The sign-in form is sent by script; without it, it must not go anywhere (the password in a URL).
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The whole page, self-contained: nothing in it is loaded from another host. */
export async function buildGraphiQLPage(assets: GraphiQLAssets, options: GraphiQLPageOptions): Promise<GraphiQLPage> {
  // Raw text inlined as is: it must not end its element early (the workers are JSON and escaped).
  if (/<\/script/i.test(assets.js) || /<\/style/i.test(assets.css)) throw new Error("GraphiQL's bundle cannot be inlined: it contains a closing tag");
  const scripts = [signInScript(options.endpoint), graphiqlScript(assets, options)] as const;
  const text = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>GraphiQL</title>
<link rel="icon" href="${assets.favicon}" />
<style>${assets.css}</style>
<style>${SIGN_IN_STYLE}</style>
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
${signInMarkup(options.endpoint)}
<div id="root"></div>
${scripts.map((script) => `<script>${script}</script>`).join("\n")}
</body>
</html>
`;
  const html = Buffer.from(text, "utf8");
  return {
    html,
    gzipped: await promisify(gzip)(html),
    etag: `"${createHash("sha256").update(html).digest("base64url")}"`,
    contentSecurityPolicy: contentSecurityPolicy(scripts),
  };
}
