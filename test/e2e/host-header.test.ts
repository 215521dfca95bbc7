import { request } from "node:http";
import { startServer, type TestServer } from "../support/server";

/**
 * A Host header that is no valid URL authority is the client's bad input: it must never become an
 * HTTP 500. (Apollo's Fastify integration rebuilt the URL from it and threw; src/http/apollo-handler.ts.)
 */
function send(server: TestServer, host: string, method: "GET" | "POST", path: string, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { host, "apollo-require-preflight": "1" };
    if (body !== undefined) Object.assign(headers, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    const req = request({ hostname: url.hostname, port: url.port, path, method, headers }, (res) => {
      let data = "";
      res.on("data", (chunk) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe.each([true, false])("odd Host headers (fast lane %p)", (fastLane) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { LOG_LEVEL: "silent" }, fastLane });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each(["exa mple", "[::1", "a:b:c", "x%00y", "ünïcødé.example"])("Host %p: POST, a denial and GET are answered as with any host", async (host) => {
    const post = await send(server, host, "POST", "/graphql", JSON.stringify({ query: "{ __typename }" }));
    expect(post).toEqual({ status: 200, body: '{"data":{"__typename":"Query"}}\n' });
    const denied = await send(server, host, "POST", "/graphql", JSON.stringify({ query: "{ me { id } }" }));
    expect(denied.status).toBe(200);
    expect(JSON.parse(denied.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    const get = await send(server, host, "GET", `/graphql?query=${encodeURIComponent("{ __typename }")}`);
    expect(get).toEqual({ status: 200, body: '{"data":{"__typename":"Query"}}\n' });
  });
});
