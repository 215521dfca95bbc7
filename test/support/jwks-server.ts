import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the JWKS endpoint answers; `body` defaults to `{ keys }`. "hang" never answers. */
export interface JwksAnswer {
  keys: unknown[];
  status: number;
  headers: Record<string, string>;
  body?: string;
  hang?: boolean;
  /** Sent in chunks without Content-Length, so only the bytes read can show its size. */
  chunked?: boolean;
}

export type IntrospectHandler = (request: SeenRequest) => { status: number; body: unknown } | "hang";

export interface JwksServer {
  url: string;
  jwksUrl: string;
  introspectUrl: string;
  jwks: JwksAnswer;
  introspect: IntrospectHandler;
  requests: SeenRequest[];
  /** JWKS requests so far. */
  jwksFetches(): number;
  close(): Promise<void>;
}

/**
 * The auth server's two endpoints a verifier calls, as a tiny node:http server under the test's
 * control: GET /.well-known/jwks.json (with an ETag answering If-None-Match) and POST /introspect.
 */
export async function startJwksServer(keys: unknown[] = [], maxAgeSeconds = 600): Promise<JwksServer> {
  const requests: SeenRequest[] = [];
  const state = {
    jwks: { keys, status: 200, headers: { "cache-control": `public, max-age=${maxAgeSeconds}` } } as JwksAnswer,
    introspect: (() => ({ status: 200, body: { active: false } })) as IntrospectHandler,
  };
  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const seen = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      requests.push(seen);
      if (seen.path === "/.well-known/jwks.json") {
        const answer = state.jwks;
        if (answer.hang) return;
        const text = answer.body ?? JSON.stringify({ keys: answer.keys });
        const etag = `"${createHash("sha256").update(text).digest("base64url")}"`;
        if (answer.status === 200 && req.headers["if-none-match"] === etag) return send(res, 304, "", { ...answer.headers, etag });
        if (!answer.chunked) return send(res, answer.status, text, { ...answer.headers, etag });
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers, etag });
        for (let i = 0; i < text.length; i += 1024) res.write(text.slice(i, i + 1024));
        return void res.end();
      }
      // A valid key set elsewhere, for a redirect to point at.
      if (seen.path === "/elsewhere/jwks.json") return send(res, 200, JSON.stringify({ keys: state.jwks.keys }));
      if (seen.path === "/introspect" && seen.method === "POST") {
        const answer = state.introspect(seen);
        if (answer === "hang") return;
        return send(res, answer.status, JSON.stringify(answer.body));
      }
      send(res, 404, "{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    jwksUrl: `${url}/.well-known/jwks.json`,
    introspectUrl: `${url}/introspect`,
    get jwks() {
      return state.jwks;
    },
    set jwks(answer: JwksAnswer) {
      state.jwks = answer;
    },
    get introspect() {
      return state.introspect;
    },
    set introspect(handler: IntrospectHandler) {
      state.introspect = handler;
    },
    requests,
    jwksFetches: () => requests.filter((r) => r.path === "/.well-known/jwks.json").length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
