import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { externalLoads } from "../support/html-references";
import { startServer, type TestServer } from "../support/server";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http, not fetch: fetch adds Accept-Encoding and decompresses, hiding what was sent. */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function serverFor(env: Record<string, string>): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer({ env: { LOG_LEVEL: "silent", ...env } });
  });
  afterAll(() => server?.close());
  return () => {
    if (!server) throw new Error("server did not start");
    return server;
  };
}

describe("GET /graphiql outside production", () => {
  const s = serverFor({});

  it("serves GraphiQL as one self-contained HTML page: nothing is loaded from another host", async () => {
    const res = await get(s().url, "/graphiql");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    const html = res.body.toString("utf8");
    expect(res.body.length).toBeGreaterThan(5_000_000); // the bundle is inlined, not linked
    expect(html).toContain("YogaGraphiQL.renderYogaGraphiQL(");
    expect(html).toContain('<form id="sign-in"');
    expect(externalLoads(html)).toEqual([]);
  });

  it("sends its own security headers: a CSP with no remote source, no framing, no sniffing", async () => {
    const { headers } = await get(s().url, "/graphiql");
    const csp = String(headers["content-security-policy"]);
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; /);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|\*|unsafe-eval/);
    expect(headers).toMatchObject({ "x-frame-options": "DENY", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" });
  });

  it("is revalidated rather than downloaded again: no-cache, an ETag, and 304 when it matches", async () => {
    const first = await get(s().url, "/graphiql");
    expect(first.headers["cache-control"]).toBe("no-cache");
    expect(first.headers.pragma).toBeUndefined();
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await get(s().url, "/graphiql", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers).toMatchObject({ etag, "cache-control": "no-cache" });
    expect((await get(s().url, "/graphiql", { "if-none-match": '"stale"' })).status).toBe(200);
  });

  it("is gzipped for clients that accept it, the same page", async () => {
    const identity = await get(s().url, "/graphiql");
    const gzipped = await get(s().url, "/graphiql", { "accept-encoding": "br, gzip" });
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(gzipped.headers).toMatchObject({ "content-encoding": "gzip", vary: "accept-encoding" });
    expect(gzipped.body.length).toBeLessThan(identity.body.length / 2);
    expect(gunzipSync(gzipped.body).equals(identity.body)).toBe(true);
    expect(gzipped.headers.etag).toBe(identity.headers.etag);
  });

  it("is linked from the landing page on GET /graphql, for whoever cannot load Apollo Sandbox", async () => {
    const res = await get(s().url, "/graphql", { accept: "text/html" });
    expect(res.status).toBe(200);
    expect(res.body.toString("utf8")).toContain('Offline? Use <a href="/graphiql">GraphiQL at /graphiql</a>');
  });
});

describe("GET /graphiql in production", () => {
  const off = serverFor({ NODE_ENV: "production" });
  const on = serverFor({ NODE_ENV: "production", INTROSPECTION: "true" });

  it("is an unknown route without INTROSPECTION=true: the same 404 as any other", async () => {
    const [graphiql, unknown] = await Promise.all([get(off().url, "/graphiql"), get(off().url, "/graphiqlx")]);
    expect(graphiql.status).toBe(404);
    expect(JSON.parse(graphiql.body.toString("utf8"))).toEqual({ error: "Not Found", message: "Route GET:/graphiql not found", statusCode: 404 });
    expect(graphiql.headers["content-type"]).toBe(unknown.headers["content-type"]);
    expect(graphiql.headers["content-security-policy"]).toBeUndefined();
  });

  it("is served with INTROSPECTION=true", async () => {
    const res = await get(on().url, "/graphiql");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body.toString("utf8")).toContain("YogaGraphiQL.renderYogaGraphiQL(");
  });
});
