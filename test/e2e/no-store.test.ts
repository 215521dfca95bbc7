import { startServer, signup, type TestServer } from "../support/server";

/** RFC 6749 §5.1: responses carrying tokens must not be stored by any cache; we extend that to all. */
describe("no response may be cached", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { CORS_ORIGINS: "https://app.example.com" } });
    await signup(server, "cache@example.com");
  });
  afterAll(() => server?.close());

  const json = { "content-type": "application/json" };
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, { method: "POST", headers: { ...json, ...headers }, body });
  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, { headers });
  const login = (password: string) =>
    JSON.stringify({ query: `mutation { login(input: { email: "cache@example.com", password: "${password}" }) { accessToken refreshToken } }` });

  it.each<[string, () => Promise<Response>, number]>([
    ["a login that issues tokens", () => post(login("correct horse battery")), 200],
    ["a login that issues a refresh cookie", () => post(login("correct horse battery"), { "x-refresh-token-transport": "cookie" }), 200],
    ["a GraphQL error (wrong password)", () => post(login("wrong password!")), 200],
    ["a field that needs a token", () => post(JSON.stringify({ query: "{ me { id } }" })), 200],
    ["unparsable GraphQL (400)", () => post(JSON.stringify({ query: "{ me {" })), 400],
    ["invalid JSON (400)", () => post("{nope"), 400],
    ["an oversized body (413)", () => post(JSON.stringify({ query: "{ __typename }", pad: "x".repeat(100_000) })), 413],
    ["a GET query", () => get("{ __typename }", { "apollo-require-preflight": "true" }), 200],
    ["a GET blocked by CSRF prevention (400)", () => get("{ __typename }"), 400],
    ["a GET mutation (refused)", () => get("mutation { logoutAll }", { "apollo-require-preflight": "true" }), 405],
    ["the Sandbox page", () => fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } }), 200],
    ["a CORS preflight", () => fetch(`${server.url}/graphql`, { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "POST" } }), 204],
    ["/health", () => fetch(`${server.url}/health`), 200],
    ["an unknown route (404)", () => fetch(`${server.url}/nope`), 404],
  ])("%s → Cache-Control: no-store, Pragma: no-cache", async (_what, send, status) => {
    const res = await send();
    await res.arrayBuffer();
    expect(res.status).toBe(status);
    expect([res.headers.get("cache-control"), res.headers.get("pragma")]).toEqual(["no-store", "no-cache"]);
  });
});
