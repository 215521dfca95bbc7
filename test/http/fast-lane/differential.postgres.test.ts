import { request } from "node:http";
import { GraphQLError } from "graphql";
import type { Module } from "../../../src/core/module";
import { MODULES } from "../../../src/modules";
import { createTestDatabase, type TestDatabase } from "../../support/postgres";
import { describeWithPostgres } from "../../support/services";
import { type Pair, signup, startServer, type TestServer } from "../../support/server";

/**
 * The fast lane must answer every request exactly as Apollo's pipeline does. Two servers on one
 * database, one with the lane and one without, get the same requests (same x-request-id) and must
 * give the same status, headers and body, then report the same counters on /metrics.
 */

/** Resolver failures Apollo formats: an unexpected error, an error naming an HTTP status and header, a partial list. */
const trouble: Module = {
  name: "trouble",
  typeDefs: `
    type Query {
      troubleInternal: String @public
      troubleTeapot: String @public
      troublePartial: [String] @public
      troubleRequired: String! @public
      troubleHeaders: String @public
      troubleFrozen: String @public
    }
  `,
  resolvers: {
    Query: {
      troubleInternal: () => {
        throw new Error("connection string postgresql://secret@db");
      },
      troubleTeapot: () => {
        throw new GraphQLError("short and stout", { extensions: { code: "TEAPOT", http: { status: 418, headers: new Map([["x-teapot", "yes"]]) } } });
      },
      troublePartial: () => ["a", Promise.reject(new Error("second item failed")), "c"],
      troubleRequired: () => null,
      troubleHeaders: () => {
        const headers = new Map([["X-Mixed", "a"], ["x-mixed", "b"], ["Set-Cookie", "a=1"], ["set-cookie", "b=2"]]);
        throw new GraphQLError("headers", { extensions: { code: "TEAPOT", http: { status: 418, headers } } });
      },
      // Already located and frozen: production's suggestion hiding cannot rewrite it, and Apollo's
      // execution step fails (HTTP 500 with that failure as the one error).
      troubleFrozen: () => {
        throw Object.freeze(new GraphQLError('frozen. Did you mean "x"?', { path: ["troubleFrozen"] }));
      },
    },
  },
};

interface Case {
  name: string;
  body: unknown;
  /** Sent as the raw body when a string; JSON-encoded otherwise. */
  headers?: Record<string, string>;
  token?: "user" | "expired";
}

const PAIR = "accessToken refreshToken user { id email role }";

function cases(): Case[] {
  const q = (query: string, extra: Record<string, unknown> = {}) => ({ query, ...extra });
  return [
    { name: "me, signed in", body: q("{ me { id email role emailVerified } }"), token: "user" },
    { name: "me, anonymous (denied before execution)", body: q("{ me { id } }") },
    { name: "me, garbage token", body: q("{ me { id } }"), headers: { authorization: "Bearer not.a.jwt" } },
    { name: "sessions, signed in", body: q("{ sessions { current userAgent } }"), token: "user" },
    { name: "admin field as a user", body: q("{ users(first: 2) { id } }"), token: "user" },
    { name: "__typename", body: q("{ __typename }") },
    { name: "named operation chosen", body: q("query A { __typename } query B { me { id } }", { operationName: "B" }), token: "user" },
    { name: "unknown operation name", body: q("query A { __typename }", { operationName: "Z" }) },
    { name: "two operations, no name", body: q("query A { __typename } query B { __typename }") },
    { name: "operationName null", body: q("{ __typename }", { operationName: null, variables: null, extensions: null }) },
    { name: "operationName not a string", body: q("{ __typename }", { operationName: 3 }) },
    { name: "variables as a string", body: q("{ __typename }", { variables: "{}" }) },
    { name: "variables as an array", body: q("{ __typename }", { variables: [] }) },
    { name: "empty extensions", body: q("{ __typename }", { extensions: {} }) },
    { name: "persisted query", body: q("{ __typename }", { extensions: { persistedQuery: { version: 1, sha256Hash: "x" } } }) },
    { name: "no query", body: { operationName: "A" } },
    { name: "empty query", body: q("") },
    { name: "empty object", body: {} },
    { name: "batched", body: [q("{ __typename }")] },
    { name: "parse error", body: q("{ me { id ") },
    { name: "unknown field (suggestion)", body: q("{ mee { id } }") },
    { name: "too many directives", body: q(`{ __typename ${"@include(if: true) ".repeat(60)} }`) },
    { name: "too many aliases", body: q(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(" ")} }`), token: "user" },
    { name: "introspection", body: q("{ __schema { queryType { name } } }") },
    { name: "__type", body: q('{ __type(name: "User") { name } }') },
    { name: "subscription over HTTP", body: q("subscription { sessionEvents { type } }"), token: "user" },
    { name: "mutation: wrong password", body: q(`mutation($i: LoginInput!) { login(input: $i) { ${PAIR} } }`, { variables: { i: { email: "diff@example.com", password: "wrong password!" } } }) },
    { name: "mutation: invalid refresh token", body: q(`mutation { refreshToken(refreshToken: "nope") { ${PAIR} } }`) },
    { name: "variable missing", body: q(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`) },
    { name: "variable of the wrong shape (password must not echo)", body: q(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { variables: { i: { email: 1, password: "hunter2" } } }) },
    { name: "variable with an unknown field", body: q(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { variables: { i: { email: "a@b.c", password: "x", extra: 1 } } }) },
    { name: "unexpected resolver error", body: q("{ troubleInternal }") },
    { name: "error naming an HTTP status and header", body: q("{ troubleTeapot }") },
    { name: "partial list", body: q("{ troublePartial }") },
    { name: "non-null field resolved null", body: q("{ troubleRequired __typename }") },
    { name: "two failing roots", body: q("{ troubleInternal troubleTeapot }") },
    { name: "headers named by an error: case, repeats, set-cookie", body: q("{ troubleHeaders }") },
    { name: "a failure while handling errors", body: q("{ troubleFrozen __typename }") },
    { name: "accept graphql-response+json", body: q("{ __typename }"), headers: { accept: "application/graphql-response+json" } },
    { name: "accept preferring graphql-response+json", body: q("{ me { id } }"), token: "user", headers: { accept: "application/json;q=0.5, application/graphql-response+json" } },
    { name: "accept */*", body: q("{ __typename }"), headers: { accept: "*/*" } },
    { name: "accept text/html only (406)", body: q("{ __typename }"), headers: { accept: "text/html" } },
    { name: "accept with a denial", body: q("{ me { id } }"), headers: { accept: "application/graphql-response+json" } },
    { name: "content-type with charset", body: q("{ __typename }"), headers: { "content-type": "application/json; charset=utf-8" } },
    { name: "content-type text/plain (CSRF)", body: q("{ __typename }"), headers: { "content-type": "text/plain" } },
    { name: "content-type text/plain with preflight header", body: q("{ __typename }"), headers: { "content-type": "text/plain", "apollo-require-preflight": "1" } },
    { name: "expired token on me", body: q("{ me { id } }"), token: "expired" },
  ];
}

const IGNORED_HEADERS = new Set(["date", "keep-alive", "connection", "content-length"]);

interface Answer {
  status: number;
  /** In the order sent, names as sent: fetch would sort and merge them. */
  headers: string[];
  body: string;
}

async function send(server: TestServer, c: Case, id: string, tokens: Record<string, string>): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": id, ...c.headers };
  if (c.token) headers.authorization = `Bearer ${tokens[c.token]}`;
  const url = new URL(server.url);
  const body = JSON.stringify(c.body);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: url.hostname, port: url.port, path: "/graphql", method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      const kept: string[] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i] ?? "";
        if (!IGNORED_HEADERS.has(name.toLowerCase())) kept.push(`${name}: ${res.rawHeaders[i + 1]}`);
      }
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: kept, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Development stacks name the frames each lane ran through: compared as present or absent. */
function withoutStacks(body: string): string {
  if (!body.includes('"stacktrace"')) return body;
  const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
  for (const error of parsed.errors ?? []) {
    if (error.extensions && Array.isArray(error.extensions.stacktrace)) error.extensions.stacktrace = "present";
  }
  return JSON.stringify(parsed);
}

/** The GraphQL and HTTP counters, without durations (which differ by nature). */
async function counters(server: TestServer): Promise<string[]> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => /^(graphql_requests_total|graphql_root_field_results_total|graphql_request_duration_seconds_count|http_requests_total)\{/.test(line))
    .filter((line) => !line.includes('route="/metrics"'))
    .sort();
}

for (const mode of ["production", "development"] as const) {
  describeWithPostgres(`fast lane against Apollo's pipeline (${mode})`, () => {
    let db: TestDatabase;
    let fast: TestServer;
    let apollo: TestServer;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      db = await createTestDatabase();
      const env = { NODE_ENV: mode, LOG_LEVEL: "silent", ...(mode === "production" ? {} : { INTROSPECTION: "false" }) };
      fast = await startServer({ databaseUrl: db.url, modules: [...MODULES, trouble], env });
      apollo = await startServer({ databaseUrl: db.url, modules: [...MODULES, trouble], env, fastLane: false });
      // One signup through each, so the counters compared at the end stay alike.
      const pair: Pair = await signup(fast, "diff@example.com");
      // Signed with the server's key, long expired: the same verified-but-expired claims on both.
      fast.clock.advance(2 * 60 * 60 * 1000);
      apollo.clock.advance(2 * 60 * 60 * 1000);
      tokens.expired = pair.accessToken;
      tokens.user = (await signup(apollo, "diff-2@example.com")).accessToken;
    }, 60_000);
    afterAll(async () => {
      await fast?.close();
      await apollo?.close();
      await db?.drop();
    });

    it.each(cases().map((c, i) => [c.name, c, i] as const))("%s", async (_name, c, i) => {
      const id = `diff-${mode}-${i}`;
      const [a, b] = [await send(fast, c, id, tokens), await send(apollo, c, id, tokens)];
      expect({ ...a, body: withoutStacks(a.body) }).toEqual({ ...b, body: withoutStacks(b.body) });
    });

    if (mode === "development") {
      it("the lanes differ where they should: a resolver's stack shows which one ran it", async () => {
        const stack = async (server: TestServer) => {
          const answer = await send(server, { name: "stack", body: { query: "{ troubleInternal }" } }, "stack", tokens);
          return JSON.stringify((JSON.parse(answer.body) as { errors: Array<{ extensions: { stacktrace: string[] } }> }).errors[0]?.extensions.stacktrace);
        };
        const [a, b] = [await stack(fast), await stack(apollo)];
        expect(a).toContain("src/http/fast-lane/");
        expect(a).not.toContain("requestPipeline");
        expect(b).toContain("requestPipeline");
        expect(b).not.toContain("src/http/fast-lane/");
      });
    }

    it("both lanes count the same requests, codes and root fields", async () => {
      const [a, b] = [await counters(fast), await counters(apollo)];
      expect(a.length).toBeGreaterThan(10);
      expect(a).toEqual(b);
    });
  });
}
