import { login, onlyError, signup, startServer, type TestServer } from "../support/server";

// No route of the server has a validation or response schema, so Fastify's compilers are never
// loaded (src/http/lazy-schema-compilers.ts, 50-65 ms of every start), nor is the protobuf code of
// Apollo's inline traces and usage reports, nor its schema reporting, even with Apollo's own
// variables set below (src/http/apollo.ts): loading any of them fails this file.
jest.mock("@fastify/ajv-compiler", () => {
  throw new Error("the server loaded Fastify's Ajv compiler");
});
jest.mock("@fastify/fast-json-stringify-compiler", () => {
  throw new Error("the server loaded Fastify's serializer compiler");
});
jest.mock("@apollo/usage-reporting-protobuf", () => {
  throw new Error("the server loaded Apollo's trace and usage-report protobuf code");
});
jest.mock("@apollo/server/plugin/schemaReporting", () => {
  throw new Error("the server loaded Apollo's schema reporting");
});

/** What would make Apollo report usage and the schema to its service, were it to read them. */
const APOLLO_REPORTING_ENV = { APOLLO_KEY: "service:auth-server-test:not-a-key", APOLLO_GRAPH_REF: "auth-server-test@current", APOLLO_SCHEMA_REPORTING: "true" };
const savedEnv = Object.fromEntries(Object.keys(APOLLO_REPORTING_ENV).map((name) => [name, process.env[name]]));
beforeAll(() => Object.assign(process.env, APOLLO_REPORTING_ENV));
afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  json(): any;
}

async function send(base: string, init: RequestInit & { path?: string } = {}): Promise<RawResponse> {
  const response = await fetch(`${base}${init.path ?? "/graphql"}`, init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text, json: () => JSON.parse(text) };
}

function postJson(base: string, body: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(base, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

function getQuery(base: string, query: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return send(base, { method: "GET", path: `/graphql?query=${encodeURIComponent(query)}`, headers });
}

const INTROSPECTION = "{ __schema { queryType { name } } }";
const SIGNUP = `mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`;
const SILENT = { LOG_LEVEL: "silent" };

/** Stops servers even when an assertion failed halfway, so jest never hangs on open handles. */
function serverFor(env?: Record<string, string>): { get(): TestServer } {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer(env ? { env } : {});
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get() {
      if (!server) throw new Error("server did not start");
      return server;
    },
  };
}

describe("HTTP surface (test environment)", () => {
  const handle = serverFor();
  const s = () => handle.get();

  it("GET /health and /ready answer 200", async () => {
    const health = await send(s().url, { path: "/health" });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: "ok" });
    const ready = await send(s().url, { path: "/ready" });
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: "ready" });
  });

  describe("malformed input is a 4xx in GraphQL's error shape, never a 5xx", () => {
    it.each([
      ["invalid JSON", "{nope"],
      ["an empty JSON object", "{}"],
      ["a body without query", JSON.stringify({ variables: {} })],
      ["a batched array (batching is off)", JSON.stringify([{ query: "{ __typename }" }])],
    ])("%s → 400 BAD_REQUEST", async (_what, body) => {
      const res = await postJson(s().url, body);
      expect(res.status).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe("BAD_REQUEST");
      expect(res.json().data).toBeUndefined();
    });

    it("an oversized body → 413, not 500", async () => {
      const res = await postJson(s().url, JSON.stringify({ query: "{ __typename }", pad: "x".repeat(2_000_000) }));
      expect(res.status).toBe(413);
      expect(res.json().errors[0].extensions.code).toBe("BAD_REQUEST");
    });

    it.each([
      ["unparsable GraphQL", "GRAPHQL_PARSE_FAILED", { query: "{ me {" }],
      ["an unknown field", "GRAPHQL_VALIDATION_FAILED", { query: "{ nope }" }],
      ["a variable of the wrong type", "BAD_USER_INPUT", { query: LOGIN, variables: { i: { email: 1 } } }],
    ])("%s → 400 %s", async (_what, code, body) => {
      const res = await postJson(s().url, JSON.stringify(body));
      expect(res.status).toBe(400);
      const json = res.json();
      expect(json.errors[0].extensions.code).toBe(code);
      expect(json.errors[0].extensions.stacktrace).toBeUndefined();
    });
  });

  describe("CSRF prevention", () => {
    it("a text/plain POST (a browser 'simple request') is blocked before execution", async () => {
      const email = "csrf-victim@example.com";
      const query = `mutation { signup(input: { email: "${email}", password: "long enough pw" }) { accessToken } }`;
      const res = await send(s().url, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ query }) });
      expect(res.status).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe("BAD_REQUEST");
      expect(res.text).toMatch(/Cross-Site Request Forgery/);
      // Had the blocked request executed, this would be EMAIL_TAKEN.
      await expect(signup(s(), email)).resolves.toMatchObject({ user: { email } });
    });

    it("GET without a preflight-forcing header is rejected", async () => {
      const res = await getQuery(s().url, "{ __typename }");
      expect(res.status).toBe(400);
      expect(res.json().errors[0].extensions.code).toBe("BAD_REQUEST");
      expect(res.json().data).toBeUndefined();
    });

    it("GET with apollo-require-preflight runs a query", async () => {
      const res = await getQuery(s().url, "{ __typename }", { "apollo-require-preflight": "true" });
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ data: { __typename: "Query" } });
    });

    it("GET never executes a mutation", async () => {
      const email = "get-signup@example.com";
      const query = `mutation { signup(input: { email: "${email}", password: "long enough pw" }) { accessToken } }`;
      const res = await getQuery(s().url, query, { "apollo-require-preflight": "true" });
      expect([400, 405]).toContain(res.status);
      expect(res.json().data).toBeUndefined();
      await expect(signup(s(), email)).resolves.toMatchObject({ user: { email } });
    });

    it("GET logoutAll with a valid token leaves the session alive", async () => {
      const pair = await signup(s(), "get-logout@example.com");
      const res = await getQuery(s().url, "mutation { logoutAll }", {
        "apollo-require-preflight": "true",
        authorization: `Bearer ${pair.accessToken}`,
      });
      expect([400, 405]).toContain(res.status);
      s().clock.advance(2_000); // past the per-process session cache
      const me = await s().gql<{ me: { email: string } }>("{ me { email } }", {}, { token: pair.accessToken });
      expect(me.body.data?.me.email).toBe("get-logout@example.com");
    });
  });

  it("serves the Sandbox landing page and allows introspection outside production", async () => {
    const page = await send(s().url, { method: "GET", headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/text\/html/);
    expect(page.text).toMatch(/apollo|sandbox/i);
    const res = await s().gql(INTROSPECTION);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
  });

  describe("secrets are never echoed", () => {
    const password = "hunter2-secret-pw";

    it("signup with an invalid email", async () => {
      const res = await postJson(s().url, JSON.stringify({ query: SIGNUP, variables: { i: { email: "not-an-email", password } } }));
      expect(res.json().errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });
      expect(res.text).not.toContain(password);
    });

    it("a variables object missing the email (graphql-js would print the whole object)", async () => {
      const res = await postJson(s().url, JSON.stringify({ query: LOGIN, variables: { i: { password } } }));
      expect(res.status).toBe(400);
      expect(res.json().errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });
      expect(res.text).not.toContain(password);
    });

    it("a password of the wrong type", async () => {
      const res = await postJson(s().url, JSON.stringify({ query: LOGIN, variables: { i: { email: "a@b.co", password: 12345678901 } } }));
      expect(res.json().errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "password" });
      expect(res.text).not.toContain("12345678901");
    });

    it("login with a wrong password", async () => {
      await signup(s(), "echo@example.com");
      const res = await postJson(s().url, JSON.stringify({ query: LOGIN, variables: { i: { email: "echo@example.com", password } } }));
      expect(res.json().errors[0].extensions.code).toBe("INVALID_CREDENTIALS");
      expect(res.text).not.toContain(password);
    });
  });
});

describe("when the database goes away (test environment)", () => {
  const handle = serverFor();
  const s = () => handle.get();

  it("/ready turns 503, GraphQL errors are masked, and /health still answers", async () => {
    const pair = await signup(s(), "before-outage@example.com");
    await s().app.db.close();

    const ready = await send(s().url, { path: "/ready" });
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ status: "unavailable" });

    const res = await login(s(), "before-outage@example.com");
    const error = onlyError(res);
    expect(error.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.message).toBe("Internal server error");
    expect(error.extensions?.stacktrace).toBeUndefined();
    expect(res.body.data).toBeNull();

    // A token check that cannot reach the database is an outage, not "please sign in".
    s().clock.advance(2_000);
    const me = await s().gql("{ me { id } }", {}, { token: pair.accessToken });
    expect(onlyError(me).extensions?.code).toBe("INTERNAL_SERVER_ERROR");

    const health = await send(s().url, { path: "/health" });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: "ok" });
  });
});

describe("production with introspection off", () => {
  const handle = serverFor({ ...SILENT, NODE_ENV: "production", INTROSPECTION: "false" });
  const s = () => handle.get();

  it("rejects introspection as GRAPHQL_VALIDATION_FAILED", async () => {
    const res = await s().gql(INTROSPECTION);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(onlyError(res).extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("does not serve the Sandbox landing page", async () => {
    const page = await send(s().url, { method: "GET", headers: { accept: "text/html" } });
    expect(page.contentType).not.toMatch(/text\/html/);
    expect(page.text).not.toMatch(/sandbox/i);
    expect(page.text).not.toMatch(/<html/i);
  });

  it("a parse error carries no stacktrace", async () => {
    const res = await postJson(s().url, JSON.stringify({ query: "{ me {" }));
    expect(res.status).toBe(400);
    const error = res.json().errors[0];
    expect(error.extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(error.extensions.stacktrace).toBeUndefined();
  });

  it("an unexpected error is masked with no stacktrace", async () => {
    await s().app.db.close();
    const res = await login(s(), "nobody@example.com");
    const error = onlyError(res);
    expect(error).toEqual({
      message: "Internal server error",
      locations: expect.any(Array),
      path: ["login"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  });
});

describe("production with INTROSPECTION=true", () => {
  const handle = serverFor({ ...SILENT, NODE_ENV: "production", INTROSPECTION: "true" });

  it("allows introspection", async () => {
    const res = await handle.get().gql(INTROSPECTION);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
  });
});
