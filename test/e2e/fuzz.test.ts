import fc from "fast-check";
import { createLogger } from "../../src/logger";
import {
  authorizationArbitrary,
  type FuzzRequest,
  type FuzzSeeds,
  graphqlRequestArbitrary,
  OPERATIONS,
  rawRequestArbitrary,
  signJwt,
  tokenProbeArbitrary,
} from "../support/fuzz";
import { E2E_SECRET, login, signup, startServer, type TestServer } from "../support/server";
import { logSink } from "../support/capture";

/** README "Errors": the closed set of codes a client can ever see, minus INTERNAL_SERVER_ERROR. */
const KNOWN_CODES = new Set([
  "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "INVALID_CREDENTIALS", "EMAIL_TAKEN", "INVALID_REFRESH_TOKEN",
  "REFRESH_TOKEN_REUSED", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST",
]);

/** 8 requests in flight per property run: ≥ 1,000 requests per property. */
const CONCURRENCY = 8;
const RUNS = 130;
const RENEW_EVERY = 5;
/** Fuzzed changePassword may change the user's password; renewSessions then signs up a new one. */
const USER = { email: "fuzz-user@example.com", password: "fuzz user password" };
const ADMIN = { email: "fuzz-admin@example.com", password: "fuzz admin password" };

function keepRecent(pool: string[], value: string, size = 12): void {
  if (!pool.includes(value)) pool.push(value);
  if (pool.length > size) pool.splice(0, pool.length - size);
}

interface Outcome {
  request: string;
  status: number;
  body: string;
}

/** What is wrong with a response, or null. Only /graphql responses in GraphQL's error shape are inspected. */
function problemWith(outcome: Outcome): string | null {
  if (outcome.status >= 500) return `HTTP ${outcome.status}`;
  let json: unknown;
  try {
    json = JSON.parse(outcome.body);
  } catch {
    return null; // the Sandbox page, an empty 204/404, a 4xx from Node's HTTP parser
  }
  const errors = (json as { errors?: unknown })?.errors;
  if (errors === undefined) return null;
  if (!Array.isArray(errors)) return "errors is not an array";
  for (const error of errors as Array<{ extensions?: { code?: unknown } }>) {
    const code = error?.extensions?.code;
    if (typeof code !== "string" || !KNOWN_CODES.has(code)) return `unknown code ${JSON.stringify(code)}`;
  }
  return null;
}

async function send(base: string, request: FuzzRequest): Promise<Outcome> {
  const init: RequestInit = { method: request.method, headers: request.headers };
  if (request.body !== null) init.body = request.body;
  const response = await fetch(`${base}/graphql${request.search}`, init);
  const body = await response.text();
  return { request: JSON.stringify(request).slice(0, 2000), status: response.status, body: body.slice(0, 2000) };
}

describe("fuzzing the HTTP + GraphQL surface", () => {
  let server: TestServer;
  let seeds: FuzzSeeds;
  const errorLog: string[] = [];

  beforeAll(async () => {
    const sink = logSink(errorLog);
    server = await startServer({
      logger: createLogger("error", sink),
      env: {
        ARGON2_MEMORY_COST: "8192",
        ARGON2_TIME_COST: "1",
        BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        // Every request comes from 127.0.0.1: without this the per-IP budgets would refuse most
        // logins and signups before they reach the code under test.
        ...Object.fromEntries(["LOGIN_FAILURES", "LOGIN_IP", "SIGNUP_IP", "REFRESH_IP"].map((b) => [`RATE_LIMIT_${b}`, "1000000"])),
      },
    });
    const user = await signup(server, USER.email, USER.password);
    seeds = {
      emails: [USER.email, " FUZZ-admin@Example.com "],
      password: USER.password,
      accessTokens: [],
      refreshTokens: [],
      userIds: [user.user.id],
      sessionIds: [],
      jwtSecret: E2E_SECRET,
    };
    await renewSessions();
  });

  /** Fuzzed logoutAll/revokeSession end the seeds' sessions; fresh ones keep authenticated paths reachable. */
  let replacements = 0;
  async function renewSessions(): Promise<void> {
    for (const account of [USER, ADMIN]) {
      let pair = (await login(server, account.email, account.password)).body.data?.login;
      if (!pair && account === USER) {
        account.email = `fuzz-user-${(replacements += 1)}@example.com`;
        pair = await signup(server, account.email, account.password);
        seeds.emails.push(account.email);
      }
      if (!pair) throw new Error(`fuzz setup: ${account.email} cannot log in`);
      const sessions = await server.gql<{ sessions: Array<{ id: string }> }>("{ sessions { id } }", {}, { token: pair.accessToken });
      keepRecent(seeds.accessTokens, pair.accessToken);
      keepRecent(seeds.refreshTokens, pair.refreshToken);
      if (!seeds.userIds.includes(pair.user.id)) seeds.userIds.push(pair.user.id);
      for (const { id } of sessions.body.data?.sessions ?? []) keepRecent(seeds.sessionIds, id);
    }
  }

  afterAll(async () => {
    await server?.close();
  });

  /** Sends a batch concurrently, then checks every response and that /health still answers. */
  let batches = 0;
  async function check(batch: FuzzRequest[]): Promise<void> {
    batches += 1;
    if (batches % RENEW_EVERY === 0) await renewSessions();
    const outcomes = await Promise.all(batch.map((request) => send(server.url, request)));
    for (const outcome of outcomes) {
      const problem = problemWith(outcome);
      if (problem) throw new Error(`${problem}\nrequest: ${outcome.request}\nresponse: ${outcome.status} ${outcome.body}`);
    }
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
  }

  it(`${RUNS * CONCURRENCY} GraphQL requests with hostile variables and bearer tokens`, async () => {
    const hostileVariables = fc
      .tuple(graphqlRequestArbitrary(seeds), authorizationArbitrary(seeds))
      .map(([body, authorization]) => ({ body, authorization }));
    const request = fc
      .oneof({ weight: 3, arbitrary: hostileVariables }, { weight: 1, arbitrary: tokenProbeArbitrary(seeds) })
      .map(({ body, authorization }): FuzzRequest => ({
        method: "POST",
        search: "",
        headers: { "content-type": "application/json", ...(authorization !== undefined ? { authorization } : {}) },
        body: JSON.stringify(body),
      }));
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), check), { numRuns: RUNS });
  });

  /** The bar: at least 1,000 hostile variable sets for each mutation on its own. */
  const MUTATIONS = ["signup", "login", "refreshToken", "logout", "logoutAll", "revokeSession", "setUserRole", "changePassword"];
  const PER_MUTATION_RUNS = Math.ceil(1000 / CONCURRENCY);
  it.each(MUTATIONS)(`${PER_MUTATION_RUNS * CONCURRENCY} hostile variable sets and tokens for %s alone`, async (name) => {
    const operations = OPERATIONS.filter((op) => op.query.includes(` ${name}`) && op.query.startsWith("mutation"));
    expect(operations.length).toBeGreaterThan(0);
    const request = fc
      .tuple(graphqlRequestArbitrary(seeds, operations), authorizationArbitrary(seeds))
      .map(([body, authorization]): FuzzRequest => ({
        method: "POST",
        search: "",
        headers: { "content-type": "application/json", ...(authorization !== undefined ? { authorization } : {}) },
        body: JSON.stringify(body),
      }));
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), check), { numRuns: PER_MUTATION_RUNS });
  });

  it(`${RUNS * CONCURRENCY} raw requests: non-JSON, truncated, batched, wrong content types, prototype keys`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(rawRequestArbitrary(seeds), { minLength: CONCURRENCY, maxLength: CONCURRENCY }), check), { numRuns: RUNS });
  });

  /** Minimal reproductions of what the properties above found; each was INTERNAL_SERVER_ERROR or an undocumented code. */
  describe("found by fuzzing", () => {
    const LOGIN = "mutation($e: String!) { login(input: { email: $e, password: \"long enough pw\" }) { accessToken } }";
    const SIGNUP = "mutation($e: String!) { signup(input: { email: $e, password: \"long enough pw\" }) { accessToken } }";

    it.each([
      ["login", "a lone surrogate", LOGIN, "\ud800@a.aa"],
      ["signup", "a lone surrogate", SIGNUP, "\ud800@a.aa"],
      ["login", "a NUL character", LOGIN, "a\u0000@b.co"],
      ["signup", "a NUL character", SIGNUP, "a\u0000@b.co"],
    ])("%s with %s in the email is BAD_USER_INPUT", async (_op, _what, query, email) => {
      const res = await server.gql(query, { e: email });
      expect(res.body.errors?.map((e) => e.extensions)).toEqual([{ code: "BAD_USER_INPUT", field: "email" }]);
    });

    it("a correctly signed token whose typ header is not a string is TOKEN_INVALID", async () => {
      const real = seeds.accessTokens[seeds.accessTokens.length - 1] ?? "";
      const claims = Buffer.from(real.split(".")[1] ?? "", "base64url").toString("utf8");
      const forged = signJwt(JSON.stringify({ alg: "HS256", typ: 1 }), claims, E2E_SECRET);
      const res = await server.gql("{ me { id } }", {}, { token: forged });
      expect(res.body.errors?.map((e) => e.extensions)).toEqual([{ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" }]);
    });

    it.each([
      ["two operations and no operationName", { query: "query A { __typename } query B { __typename }" }],
      ["an unknown operationName", { query: "query A { __typename }", operationName: "B" }],
      ["a persisted-query extension", { query: "{ __typename }", extensions: { persistedQuery: { version: 2 } } }],
      ["a persisted-query hash alone", { extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }],
    ])("%s gets a documented code", async (_what, body) => {
      const outcome = await send(server.url, { method: "POST", search: "", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(problemWith(outcome)).toBeNull();
    });
  });

  it("logged no unexpected error while being fuzzed", () => {
    const summaries = errorLog.map((line) => {
      const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
      return `${entry.msg}: ${entry.err?.type} ${entry.err?.message?.slice(0, 300)}`;
    });
    expect([...new Set(summaries)]).toEqual([]);
  });
});
