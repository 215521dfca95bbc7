import { createLogger } from "../../src/logger";
import { login, onlyError, type Pair, refresh, signup, startServer } from "../support/server";
import { logSink } from "../support/capture";

/** Runs a full flow with every log line captured at trace level, then searches it for secrets. */
describe("logs never contain passwords or tokens", () => {
  it("a full flow, including failures, leaves no secret in the log output", async () => {
    const lines: string[] = [];
    const sink = logSink(lines);
    const server = await startServer({ logger: createLogger("trace", sink) });
    const password = "Log-Secret-Password-91";
    const secrets: string[] = [password];
    try {
      const pair = await signup(server, "logs@example.com", password);
      const second = (await login(server, "logs@example.com", password)).body.data?.login as Pair;
      const rotated = (await refresh(server, pair.refreshToken)).body.data?.refreshToken as Pair;
      secrets.push(pair.accessToken, pair.refreshToken, second.accessToken, second.refreshToken, rotated.refreshToken);
      expect(onlyError(await login(server, "logs@example.com", `${password}-wrong`)).extensions?.code).toBe("INVALID_CREDENTIALS");
      secrets.push(`${password}-wrong`);
      await server.gql("{ me { id } }", {}, { token: rotated.accessToken });
      await server.gql("{ me { id } }", {}, { token: `${rotated.accessToken}x` });
      await server.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: second.refreshToken });
      // Cookie transport: the refresh token travels in Set-Cookie / Cookie headers.
      const cookieLogin = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-refresh-token-transport": "cookie" },
        body: JSON.stringify({ query: `mutation { login(input: { email: "logs@example.com", password: "${password}" }) { accessToken } }` }),
      });
      const cookieToken = /^__Host-refresh_token=([^;]+)/.exec(cookieLogin.headers.getSetCookie()[0] ?? "")?.[1];
      if (!cookieToken) throw new Error("cookie login set no cookie");
      const cookieRefresh = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: `__Host-refresh_token=${cookieToken}` },
        body: JSON.stringify({ query: "mutation { refreshToken { accessToken } }" }),
      });
      const rotatedCookie = /^__Host-refresh_token=([^;]+)/.exec(cookieRefresh.headers.getSetCookie()[0] ?? "")?.[1];
      secrets.push(cookieToken, rotatedCookie ?? "missing-cookie");
      server.clock.advance(11_000);
      expect(onlyError(await refresh(server, pair.refreshToken)).extensions?.code).toBe("REFRESH_TOKEN_REUSED");
      // A request that fails before GraphQL runs (bad JSON) still logs nothing secret.
      await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${second.accessToken}` },
        body: `{"query": "mutation { login(input: {email: \\"a@b.co\\", password: \\"${password}\\"}) { accessToken } }"`,
      });
    } finally {
      await server.close();
    }
    const output = lines.join("");
    // Control: the capture works and saw the flow.
    expect(output).toContain("login succeeded");
    expect(output).toContain("refresh_reuse_detected");
    for (const secret of secrets) expect(output.includes(secret)).toBe(false);
  });
});

describe("query strings stay out of the log", () => {
  it("a GET with secrets in its query string logs the path only, at every level", async () => {
    const lines: string[] = [];
    const server = await startServer({ logger: createLogger("trace", logSink(lines)) });
    const password = "Query-String-Secret-77";
    const token = "QueryStringRefreshToken_abcdefghijklmnopqrstu";
    try {
      const variables = encodeURIComponent(JSON.stringify({ password, refreshToken: token }));
      const query = encodeURIComponent("{ __typename }");
      const ran = await fetch(`${server.url}/graphql?query=${query}&variables=${variables}`, { headers: { "apollo-require-preflight": "true" } });
      expect(await ran.json()).toEqual({ data: { __typename: "Query" } });
      // Refused before execution (CSRF, mutation over GET) and an unknown route: still no query string.
      await (await fetch(`${server.url}/graphql?query=${query}&variables=${variables}`)).arrayBuffer();
      const mutation = encodeURIComponent(`mutation { login(input: { email: "a@b.co", password: "${password}" }) { accessToken } }`);
      await (await fetch(`${server.url}/graphql?query=${mutation}`, { headers: { "apollo-require-preflight": "true" } })).arrayBuffer();
      const missing = await fetch(`${server.url}/graphqlx?password=${password}&t=${token}`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).not.toContain(password);
    } finally {
      await server.close();
    }
    const output = lines.join("");
    for (const secret of [password, encodeURIComponent(password), token, "variables="]) expect(output.includes(secret)).toBe(false);
    // Control: the requests were logged, with their paths.
    expect(output).toContain('"path":"/graphql"');
    expect(output).toContain('"path":"/graphqlx"');
    expect(output).toContain("route not found");
  });
});

describe("one line per request", () => {
  it("at info, each request is one line with method, path, status, time and operation name; the incoming line is debug only", async () => {
    const lines: string[] = [];
    const server = await startServer({ logger: createLogger("info", logSink(lines)) });
    try {
      const post = (body: object) =>
        fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.arrayBuffer());
      await post({ query: "query Hello { __typename }", operationName: "Hello" });
      // A name that could forge a log column is left out, not echoed (Apollo answers 400: no such operation).
      await post({ query: "{ __typename }", operationName: "Evil\n{\"level\":60}" });
      await (await fetch(`${server.url}/missing?token=abc`)).arrayBuffer();
    } finally {
      await server.close();
    }
    const entries = lines.map((line) => JSON.parse(line) as Record<string, any>);
    const requests = entries.filter((entry) => entry.req !== undefined || entry.res !== undefined);
    expect(requests.map((entry) => [entry.msg, entry.req?.method, entry.req?.path, entry.res?.statusCode, entry.operation])).toEqual([
      ["request completed", "POST", "/graphql", 200, "Hello"],
      ["request completed", "POST", "/graphql", 400, undefined],
      ["request completed", "GET", "/missing", 404, undefined],
    ]);
    for (const entry of requests) expect(typeof entry.responseTime).toBe("number");
    expect(entries.some((entry) => entry.msg === "incoming request" || entry.msg === "route not found")).toBe(false);
  });
});
