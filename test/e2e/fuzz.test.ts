import fc from "fast-check";
import { serverSchema } from "../support/schema";
import { createLogger } from "../../src/logger";
import {
  authorizationArbitrary,
  type AuthorizationOracle,
  type FuzzRequest,
  type FuzzSeeds,
  graphqlRequestArbitrary,
  guardedRootFields,
  OPERATIONS,
  type Outcome,
  problemWith,
  rawRequestArbitrary,
  signJwt,
  tokenProbeArbitrary,
} from "../support/fuzz";
import { E2E_SECRET, login, signup, startServer, type TestServer } from "../support/server";
import { logSink } from "../support/capture";

/** 8 requests in flight per property run: ≥ 1,000 requests per property. */
const CONCURRENCY = 8;
const RUNS = 130;
const RENEW_EVERY = 5;
/** Fuzzed changePassword may change the user's password; renewSessions then signs up a new one. */
const USER = { email: "fuzz-user@example.com", password: "fuzz user password" };
const ADMIN = { email: "fuzz-admin@example.com", password: "fuzz admin password" };
/** The bar: at least 1,000 hostile variable sets for each mutation on its own. */
const MUTATIONS = ["signup", "login", "refreshToken", "logout", "logoutAll", "revokeSession", "setUserRole", "changePassword"];
const PER_MUTATION_RUNS = Math.ceil(1000 / CONCURRENCY);
/** Requests the properties below send when they all run and pass; the log check needs every one. */
const PLANNED_REQUESTS = (RUNS + MUTATIONS.length * PER_MUTATION_RUNS + RUNS) * CONCURRENCY;
/** Written through the server's own logger at start: proves the error sink is wired. */
const CONTROL_LINE = "fuzz: error sink control line";

function keepRecent(pool: string[], value: string, size = 12): void {
  if (!pool.includes(value)) pool.push(value);
  if (pool.length > size) pool.splice(0, pool.length - size);
}

async function send(base: string, request: FuzzRequest): Promise<Outcome> {
  const init: RequestInit = { method: request.method, headers: request.headers };
  if (request.body !== null) init.body = request.body;
  const response = await fetch(`${base}/graphql${request.search}`, init);
  return { request, status: response.status, body: await response.text() };
}

/** Distinct error-level entries other than the control line, as "msg: type message". */
function unexpectedErrors(lines: string[]): string[] {
  const summaries = lines.flatMap((line) => {
    const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
    return entry.msg === CONTROL_LINE ? [] : [`${entry.msg}: ${entry.err?.type} ${entry.err?.message?.slice(0, 300)}`];
  });
  return [...new Set(summaries)];
}

describe("fuzzing the HTTP + GraphQL surface", () => {
  let server: TestServer;
  let seeds: FuzzSeeds;
  let oracle: AuthorizationOracle;
  const errorLog: string[] = [];
  let sent = 0;

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
    server.app.http.log.error(CONTROL_LINE);
    oracle = { guarded: guardedRootFields(serverSchema()), jwtKey: E2E_SECRET };
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
    // Without this, a sink that never receives the server's lines would make every log check pass.
    if (!errorLog.some((line) => (JSON.parse(line) as { msg?: string }).msg === CONTROL_LINE)) {
      throw new Error("fuzz setup: the server's logger does not write to the test's error sink");
    }
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

  /**
   * Sends a batch concurrently, then checks every response, the error lines logged meanwhile and
   * that /health still answers. Errors are checked per batch so each property fails on its own.
   */
  let batches = 0;
  async function check(batch: FuzzRequest[]): Promise<void> {
    batches += 1;
    if (batches % RENEW_EVERY === 0) await renewSessions();
    const logged = errorLog.length;
    const outcomes = await Promise.all(batch.map((request) => send(server.url, request)));
    sent += batch.length;
    for (const outcome of outcomes) {
      const problem = problemWith(outcome, oracle);
      if (problem) throw new Error(`${problem}\nrequest: ${JSON.stringify(outcome.request).slice(0, 2000)}\nresponse: ${outcome.status} ${outcome.body.slice(0, 2000)}`);
    }
    const errors = unexpectedErrors(errorLog.slice(logged));
    if (errors.length > 0) throw new Error(`logged ${errors.join("\n")}\nwhile serving: ${JSON.stringify(batch).slice(0, 4000)}`);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    await health.arrayBuffer();
  }

  /** Runs a property, then checks the lines logged during it (a line can land after its batch was checked). */
  async function fuzz(requests: fc.Arbitrary<FuzzRequest>, numRuns: number): Promise<void> {
    const logged = errorLog.length;
    await fc.assert(fc.asyncProperty(fc.array(requests, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), check), { numRuns });
    expect(unexpectedErrors(errorLog.slice(logged))).toEqual([]);
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
    await fuzz(request, RUNS);
  });

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
    await fuzz(request, PER_MUTATION_RUNS);
  });

  it(`${RUNS * CONCURRENCY} raw requests: non-JSON, truncated, batched, wrong content types, prototype keys`, async () => {
    await fuzz(rawRequestArbitrary(seeds), RUNS);
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
      expect(problemWith(outcome, oracle)).toBeNull();
    });
  });

  // Meaningless alone (`-t`), so it fails unless every planned request was sent (the sink is checked in beforeAll).
  it("logged no unexpected error while being fuzzed", () => {
    if (sent !== PLANNED_REQUESTS) {
      throw new Error(`only ${sent} of ${PLANNED_REQUESTS} planned fuzz requests were sent: run the whole file, not this test alone`);
    }
    expect(unexpectedErrors(errorLog)).toEqual([]);
  });
});
