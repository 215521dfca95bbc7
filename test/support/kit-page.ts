import { build } from "esbuild";
import { parse } from "graphql";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";

const ROOT = findProjectRoot(__dirname);
const ENTRY = path.join(ROOT, "test", "browser", "pages", "kit-tab.ts");

let bundled: Promise<string> | null = null;

/** test/browser/pages/kit-tab.ts and what it imports (the kit's sources, Apollo Client, urql, graphql-ws), for the browser. */
export function kitTabBundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}

/** A GraphQL request that went through the proxy, and what the API answered. */
export interface ProxiedOperation {
  method: string;
  /** Root fields of the operation, e.g. ["refreshToken"]. */
  fields: string[];
  operationName: string | null;
  /** `extensions.code` / `reason` of the first error, if any. */
  code: string | null;
  reason: string | null;
  /** The access token the request carried (null: none). */
  token: string | null;
  /** When the answer came back (ms). */
  at: number;
}

export interface KitPage {
  /** The page's origin, e.g. http://127.0.0.1:41234. */
  origin: string;
  /** The tab's URL: `/` with the given query parameters. */
  url(params?: Record<string, string>): string;
  operations: ProxiedOperation[];
  /** How many proxied operations selected this root field (e.g. refreshToken). */
  count(field: string): number;
  /** Websocket upgrades proxied so far. */
  sockets: number;
  close(): Promise<void>;
}

/**
 * Serves the tab page, and with `api` passes /graphql (HTTP and websocket) through to that
 * server, recording every operation on the way: what reached the API, counted outside the
 * browser. Same origin for page and API is the Vite dev-server proxy recipe; for a page on another
 * origin of the same site, start one without `api` for the page and one with it for the API.
 */
export async function startKitPage(options: { api?: string } = {}): Promise<KitPage> {
  const script = await kitTabBundle();
  const target = options.api ? new URL(options.api) : null;
  const operations: ProxiedOperation[] = [];
  const state = { sockets: 0 };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://page");
    if (url.pathname === "/graphql" && target) return void proxy(target, req, res, operations);
    if (url.pathname === "/kit-tab.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    if (url.pathname === "/") {
      return void res
        .writeHead(200, { "content-type": "text/html" })
        .end('<!doctype html><html><head><meta charset="utf-8"><title>kit tab</title></head><body><script type="module" src="/kit-tab.js"></script></body></html>');
    }
    res.writeHead(404).end();
  });
  server.on("upgrade", (req, socket, head) => {
    if (!target || !req.url?.startsWith("/graphql")) return void socket.destroy();
    state.sockets += 1;
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    const end = () => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on("error", end);
    socket.on("error", end);
    upstream.on("close", end);
    socket.on("close", end);
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (params = {}) => `${origin}/?${new URLSearchParams(params).toString()}`,
    operations,
    count: (field) => operations.filter((op) => op.fields.includes(field)).length,
    get sockets() {
      return state.sockets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function proxy(target: URL, req: IncomingMessage, res: ServerResponse, operations: ProxiedOperation[]): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const answered: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => answered.push(chunk));
        answer.on("end", () => {
          const text = Buffer.concat(answered);
          if (req.method !== "OPTIONS") operations.push(describe(req, body.toString("utf8"), text.toString("utf8")));
          // rawHeaders keep every Set-Cookie as sent.
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          res.end(text);
        });
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    upstream.end(body);
  });
}

function describe(req: IncomingMessage, body: string, answer: string): ProxiedOperation {
  const url = new URL(req.url ?? "/", "http://page");
  let query = url.searchParams.get("query");
  let operationName = url.searchParams.get("operationName");
  try {
    const sent = JSON.parse(body || "{}") as { query?: string; operationName?: string };
    query = sent.query ?? query;
    operationName = sent.operationName ?? operationName;
  } catch {
    // Not JSON: recorded with no fields.
  }
  let fields: string[] = [];
  try {
    const document = query ? parse(query) : null;
    fields = (document?.definitions ?? []).flatMap((definition) =>
      definition.kind === "OperationDefinition" ? definition.selectionSet.selections.flatMap((s) => (s.kind === "Field" ? [s.name.value] : [])) : [],
    );
  } catch {
    // A malformed query: the API refuses it; recorded with no fields.
  }
  let code: string | null = null;
  let reason: string | null = null;
  try {
    const first = (JSON.parse(answer) as { errors?: Array<{ extensions?: { code?: string; reason?: string } }> }).errors?.[0]?.extensions;
    code = first?.code ?? null;
    reason = first?.reason ?? null;
  } catch {
    // Not a GraphQL answer.
  }
  const token = req.headers.authorization?.replace(/^Bearer /, "") ?? null;
  return { method: req.method ?? "", fields, operationName: operationName ?? null, code, reason, token, at: Date.now() };
}
