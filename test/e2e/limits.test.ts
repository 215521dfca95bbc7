import { Lexer, Source, TokenKind } from "graphql";
import { MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS } from "../../src/graphql/limits";
import { MAX_BODY_BYTES } from "../../src/http";
import { createLogger } from "../../src/logger";
import { type GqlResponse, onlyError, signup, startServer, type TestServer } from "../support/server";
import { logSink } from "../support/capture";

/** Log lines of the server under test, at trace level, so "no argon2 ran" can be checked. */
const logLines: string[] = [];
const sink = logSink(logLines);
const loginEvents = () => logLines.filter((line) => /"event":"login_(failed|succeeded)"/.test(line));

function serverFor(start: () => Promise<TestServer>): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error("server did not start");
    return server;
  };
}

/** Only armor's "<limit> exceeded, found N." message: no locations, stacktrace or extra extensions. */
function expectLimitRejection(res: GqlResponse, limit: RegExp): void {
  expect(res.status).toBe(400);
  expectSingleError(res.body, expect.stringMatching(limit), "GRAPHQL_VALIDATION_FAILED");
}

/** Exactly one error with this message and code; `requestId` is the only other extension allowed. */
interface ErrorBody {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

function expectSingleError(body: ErrorBody, message: unknown, code: string): void {
  expect(body.data).toBeUndefined();
  const [error, ...more] = body.errors ?? [];
  expect(more).toEqual([]);
  const { requestId: _id, ...extensions } = error?.extensions ?? {};
  expect({ ...error, extensions }).toEqual({ message, extensions: { code } });
}

/** Passed validation: it executed, so any error comes from a resolver, not from a limit. */
function expectExecuted(res: GqlResponse): void {
  expect(res.status).toBe(200);
  for (const error of res.body.errors ?? []) {
    expect(["UNAUTHENTICATED", "FORBIDDEN"]).toContain(error.extensions?.code);
  }
}

/** `__type { fields { type { ofType … { name } } } }`: the schema's own types are only 3 deep. */
function queryOfDepth(depth: number): string {
  const ofTypes = depth - 4;
  return `{ __type(name: "Query") { fields { type { ${"ofType { ".repeat(ofTypes)}name${" }".repeat(ofTypes)} } } } }`;
}

const aliasedMe = (count: number) => Array.from({ length: count }, (_, i) => `m${i}: me { id }`).join(" ");
const included = (count: number) => `{ ${"__typename @include(if: true) ".repeat(count)}}`;

function tokenCount(query: string): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

/** Aliased `__typename`s are free under the alias limit and never overlap, so validation stays linear. */
function queryOfTokens(tokens: number): string {
  const aliased = Math.floor((tokens - 2) / 3);
  const query = `{ ${Array.from({ length: aliased }, (_, i) => `t${i}: __typename`).join(" ")} ${"__typename ".repeat(tokens - 2 - aliased * 3)}}`;
  expect(tokenCount(query)).toBe(tokens);
  return query;
}

/** armor's cost: a `users(first: N)` page with 4 scalars costs (2 + 4 × 1.5) × N = 8N; a top-level scalar 1. */
function queryOfCost(cost: number): string {
  const pages = Array.from({ length: Math.floor(cost / 800) }, (_, i) => `p${i}: users(first: 100) { id email role createdAt }`);
  const rest = cost % 800;
  const last = rest >= 8 ? `r: users(first: ${Math.floor(rest / 8)}) { id email role createdAt }` : "";
  return `{ ${pages.join(" ")} ${last} ${"__typename ".repeat(rest % 8)}}`;
}

describe("query limits (test environment)", () => {
  const s = serverFor(() => startServer({ logger: createLogger("trace", sink) }));

  it(`depth: ${MAX_DEPTH} executes, ${MAX_DEPTH + 1} is rejected`, async () => {
    const atLimit = await s().gql(queryOfDepth(MAX_DEPTH));
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.errors).toBeUndefined();
    expect(atLimit.body.data?.__type.fields.length).toBeGreaterThan(0);
    expectLimitRejection(await s().gql(queryOfDepth(MAX_DEPTH + 1)), /^Query depth limit of 10 exceeded, found 11\.$/);
  });

  it(`aliases: ${MAX_ALIASES} execute, ${MAX_ALIASES + 1} are rejected`, async () => {
    const atLimit = await s().gql(`{ ${aliasedMe(MAX_ALIASES)} }`);
    expectExecuted(atLimit);
    expect(atLimit.body.errors).toHaveLength(1); // `me` is non-null: the first failure nulls `data`
    expectLimitRejection(await s().gql(`{ ${aliasedMe(MAX_ALIASES + 1)} }`), /^Aliases limit of 15 exceeded, found 16\.$/);
  });

  it(`directives: ${MAX_DIRECTIVES} execute, ${MAX_DIRECTIVES + 1} are rejected`, async () => {
    const atLimit = await s().gql(included(MAX_DIRECTIVES));
    expect(atLimit.status).toBe(200);
    expect(atLimit.body).toEqual({ data: { __typename: "Query" } });
    expectLimitRejection(await s().gql(included(MAX_DIRECTIVES + 1)), /^Directives limit of 50 exceeded, found 51\.$/);
  });

  it(`cost: ${MAX_COST} executes, ${MAX_COST + 1} is rejected`, async () => {
    expectExecuted(await s().gql(queryOfCost(MAX_COST)));
    expectLimitRejection(await s().gql(queryOfCost(MAX_COST + 1)), /^Query Cost limit of 5000 exceeded, found 5001\.$/);
  });

  it(`tokens: ${MAX_TOKENS} execute, ${MAX_TOKENS + 1} abort parsing (400 GRAPHQL_PARSE_FAILED, not a 500)`, async () => {
    const atLimit = await s().gql(queryOfTokens(MAX_TOKENS));
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.errors).toBeUndefined();
    const over = await s().gql(queryOfTokens(MAX_TOKENS + 1));
    expect(over.status).toBe(400);
    expect(over.body.data).toBeUndefined();
    const error = onlyError(over);
    expect(error.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(error.extensions?.stacktrace).toBeUndefined();
    expect(error.message).toMatch(/more th\w+ 1000 tokens/);
  });

  describe("a rejected document does no argon2 work and changes nothing", () => {
    const email = "limits-victim@example.com";
    const password = "correct horse battery";

    it(`${MAX_ALIASES + 1} aliased logins are rejected before any password is hashed`, async () => {
      await signup(s(), email, password);
      logLines.length = 0;
      const logins = Array.from(
        { length: MAX_ALIASES + 1 },
        (_, i) => `l${i}: login(input: { email: "${email}", password: "${i % 2 ? password : `guess-${i}-wrong`}" }) { accessToken }`,
      );
      expectLimitRejection(await s().gql(`mutation { ${logins.join(" ")} }`), /^Aliases limit of 15 exceeded/);
      expect(loginEvents()).toEqual([]);
      // Control: the capture sees logins that do run.
      const allowed = await s().gql(`mutation { ${logins[1]} ${logins[3]} }`);
      expect(allowed.body.errors).toBeUndefined();
      expect(loginEvents()).toHaveLength(2);
    });

    it("a signup among too many aliases does not create the account", async () => {
      const target = "alias-signup@example.com";
      const query = `mutation { s: signup(input: { email: "${target}", password: "${password}" }) { accessToken } ${Array.from(
        { length: MAX_ALIASES },
        (_, i) => `o${i}: logout`,
      ).join(" ")} }`;
      expectLimitRejection(await s().gql(query), /^Aliases limit of 15 exceeded, found 16\.$/);
      await expect(signup(s(), target)).resolves.toMatchObject({ user: { email: target } });
    });

    it("a signup in a document whose other operation is too deep does not run", async () => {
      const target = "deep-signup@example.com";
      const query = `mutation Signup { signup(input: { email: "${target}", password: "${password}" }) { accessToken } }
        query Deep ${queryOfDepth(MAX_DEPTH + 1)}`;
      const res = await fetch(`${s().url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, operationName: "Signup" }),
      });
      expect(res.status).toBe(400);
      expectSingleError((await res.json()) as ErrorBody, "Query depth limit of 10 exceeded, found 11.", "GRAPHQL_VALIDATION_FAILED");
      await expect(signup(s(), target)).resolves.toMatchObject({ user: { email: target } });
    });
  });

  describe(`request bodies are capped at ${MAX_BODY_BYTES} bytes`, () => {
    /** A JSON body of exactly `bytes` bytes: an unused variable pads it. */
    function bodyOf(bytes: number): string {
      const empty = JSON.stringify({ query: "{ __typename }", variables: { pad: "" } });
      const body = JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(bytes - empty.length) } });
      expect(Buffer.byteLength(body)).toBe(bytes);
      return body;
    }
    const post = (body: string) =>
      fetch(`${s().url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });

    it("exactly the limit is served", async () => {
      const res = await post(bodyOf(MAX_BODY_BYTES));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { __typename: "Query" } });
    });

    it("one byte more is 413 in GraphQL's error shape", async () => {
      const res = await post(bodyOf(MAX_BODY_BYTES + 1));
      expect(res.status).toBe(413);
      expectSingleError((await res.json()) as ErrorBody, expect.any(String), "BAD_REQUEST");
    });
  });

  it("test environment: suggestions are hidden too (only development shows them)", async () => {
    expect(onlyError(await s().gql("{ mee { id } }")).message).toBe('Cannot query field "mee" on type "Query".');
  });
});

describe("query limits in production", () => {
  const s = serverFor(() => startServer({ env: { NODE_ENV: "production", LOG_LEVEL: "silent" } }));

  it.each([
    ["an unknown field", "{ mee { id } }", "mee"],
    ["an unknown argument", 'mutation { login(inpt: { email: "a@b.co", password: "x" }) { accessToken } }', "inpt"],
    ["an unknown enum value", 'mutation { setUserRole(userId: "x", role: ADMN) { id } }', "ADMN"],
    ["an unknown type", "mutation($i: LoginInpt!) { login(input: $i) { accessToken } }", "LoginInpt"],
  ])("%s gets no 'Did you mean'", async (_what, query, typo) => {
    const res = await s().gql(query);
    expect(res.status).toBe(400);
    const errors = res.body.errors ?? [];
    expect(errors.map((e) => e.extensions?.code)).toEqual(errors.map(() => "GRAPHQL_VALIDATION_FAILED"));
    expect(errors.some((e) => e.message.includes(typo))).toBe(true);
    for (const error of errors) expect(error.message).not.toMatch(/did you mean/i);
  });

  it("a mistyped enum variable gets no suggestion either", async () => {
    const res = await s().gql(`mutation($r: Role!) { setUserRole(userId: "x", role: $r) { id } }`, { r: "ADMN" });
    const error = onlyError(res);
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message).not.toMatch(/did you mean|ADMIN/i);
  });

  it("limits apply, with the same bare messages", async () => {
    expectLimitRejection(await s().gql(`{ ${aliasedMe(MAX_ALIASES + 1)} }`), /^Aliases limit of 15 exceeded, found 16\.$/);
  });
});
