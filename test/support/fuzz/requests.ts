import fc from "fast-check";
import { authorizationArbitrary } from "./tokens";
import { anyJson, type FuzzRequest, type FuzzSeeds, headerSafe, hostileString, pick } from "./values";

export const PAIR = "accessToken refreshToken tokenType accessTokenExpiresAt refreshTokenExpiresAt user { id email role createdAt }";

/** Every root field, each with the variables it declares. */
export const OPERATIONS = [
  { query: `mutation($i: SignupInput!) { signup(input: $i) { ${PAIR} } }`, vars: ["i:credentials"] },
  { query: `mutation($e: String!, $p: String!) { signup(input: { email: $e, password: $p }) { accessToken } }`, vars: ["e:email", "p:password"] },
  { query: `mutation($i: LoginInput!) { login(input: $i) { ${PAIR} } }`, vars: ["i:credentials"] },
  { query: `mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }`, vars: ["e:email", "p:password"] },
  { query: `mutation($t: String) { refreshToken(refreshToken: $t) { ${PAIR} } }`, vars: ["t:refresh"] },
  { query: "mutation($t: String) { logout(refreshToken: $t) }", vars: ["t:refresh"] },
  { query: "mutation { logoutAll }", vars: [] },
  { query: "mutation($id: ID!) { revokeSession(id: $id) }", vars: ["id:id"] },
  { query: "mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id email role } }", vars: ["u:id", "r:role"] },
  { query: "mutation($i: ChangePasswordInput!) { changePassword(input: $i) { accessToken refreshToken } }", vars: ["i:passwordChange"] },
  { query: "{ me { id email role createdAt } }", vars: [] },
  { query: "{ sessions { id createdAt lastUsedAt expiresAt userAgent ip current } }", vars: [] },
  { query: "query($f: Int, $a: ID) { users(first: $f, after: $a) { id email role createdAt } }", vars: ["f:int", "a:id"] },
  {
    query: "query($f: Int, $a: ID, $u: ID, $t: AuditEventType) { auditEvents(first: $f, after: $a, userId: $u, type: $t) { id type userId sessionId ip userAgent requestId detail createdAt } }",
    vars: ["f:int", "a:id", "u:id", "t:auditType"],
  },
] as const;

function valueArbitrary(kind: string, seeds: FuzzSeeds) {
  const email = fc.oneof(fc.emailAddress(), pick(seeds.emails), hostileString, fc.tuple(hostileString, fc.domain()).map(([l, d]) => `${l}@${d}`));
  const password = fc.oneof(fc.constant(seeds.password), fc.string({ minLength: 8, maxLength: 40 }), hostileString);
  const typed: Record<string, fc.Arbitrary<unknown>> = {
    email,
    password,
    credentials: fc.oneof(
      fc.record({ email, password }),
      fc.record({ email, password, extra: anyJson }, { requiredKeys: [] }),
    ),
    refresh: fc.oneof(pick(seeds.refreshTokens), fc.base64String({ minLength: 43, maxLength: 44 }), hostileString, fc.constant(null)),
    id: fc.oneof(pick(seeds.userIds), pick(seeds.sessionIds), fc.uuid(), hostileString),
    role: fc.oneof(fc.constantFrom("USER", "ADMIN", "ROOT", "admin"), hostileString),
    auditType: fc.oneof(fc.constantFrom("SIGNUP", "LOGIN_FAILED", "RATE_LIMITED", "login_failed"), hostileString),
    passwordChange: fc.oneof(
      fc.record({ currentPassword: password, newPassword: password }),
      fc.record({ currentPassword: password, newPassword: password, extra: anyJson }, { requiredKeys: [] }),
    ),
    int: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(0, 2 ** 31, -(2 ** 31) - 1, 1e21, 1.5), hostileString),
  };
  const base = typed[kind] ?? anyJson;
  return fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: anyJson });
}

type Operation = (typeof OPERATIONS)[number];

/** A well-formed GraphQL request (as a JS value) for one of `operations`, with hostile variables. */
export function graphqlRequestArbitrary(seeds: FuzzSeeds, operations: readonly Operation[] = OPERATIONS) {
  return fc.constantFrom(...operations).chain((op) => {
    const entries = op.vars.map((spec) => {
      const [name = "", kind = ""] = spec.split(":");
      return [name, valueArbitrary(kind, seeds)] as const;
    });
    const variables = fc.record(Object.fromEntries(entries), { requiredKeys: [] });
    return fc.record({
      query: fc.constant(op.query),
      // Mostly the declared variables; sometimes something that is not a variables object at all.
      variables: fc.oneof({ weight: 6, arbitrary: variables }, { weight: 1, arbitrary: anyJson }),
    });
  });
}

/** A GraphQL-looking token soup: exercises the parser and validator rather than the resolvers. */
const TOKENS = ["{", "}", "(", ")", "[", "]", ":", "$", "!", "@", "...", "=", "|", "&", "query", "mutation", "subscription",
  "fragment", "on", "me", "users", "login", "signup", "input", "email", "password", "first", "__typename", "__schema",
  "__type", "@include", "@skip", "@auth", "@public", "if", "true", "null", "1", "-1", "1e999", '"x"', '"""y"""', "#c\n", "\u00e9"];
const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((parts) => parts.join(" "));

const contentTypes = fc.constantFrom(
  "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "text/plain",
  "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/graphql",
  "application/graphql-response+json", "application/xml", "*/*", "",
);

/** Automatic persisted queries: a hash the server never saw, or a malformed one. */
const persistedQuery = fc.record({
  persistedQuery: fc.record({ version: fc.oneof(fc.constant(1), anyJson), sha256Hash: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), hostileString) }, { requiredKeys: [] }),
});

/** Raw bodies: anything from valid requests to bytes, truncated JSON, arrays and prototype keys. */
export function rawRequestArbitrary(seeds: FuzzSeeds) {
  const valid = graphqlRequestArbitrary(seeds).map((r) => JSON.stringify(r));
  const body = fc.oneof(
    valid,
    valid.chain((text) => fc.nat(text.length).map((n) => text.slice(0, n))),
    fc.array(graphqlRequestArbitrary(seeds), { maxLength: 3 }).map((a) => JSON.stringify(a)),
    anyJson.map((j) => JSON.stringify(j)),
    fc.record({ query: fc.oneof(soup, anyJson), variables: anyJson, operationName: fc.oneof(hostileString, anyJson), extensions: fc.oneof(anyJson, persistedQuery) }, { requiredKeys: [] }).map((r) => JSON.stringify(r)),
    fc.tuple(fc.constantFrom("__proto__", "constructor", "prototype"), anyJson, valid).map(([key, v, text]) => `{"${key}":${JSON.stringify(v)},${text.slice(1)}`),
    valid.map((text) => text.replace('"variables":{', '"variables":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}},')),
    hostileString,
    fc.uint8Array({ maxLength: 512 }),
  );
  const search = fc.oneof(
    fc.constant(""),
    fc.record({ query: fc.oneof(soup, fc.constantFrom(...OPERATIONS.map((o) => o.query))), variables: fc.oneof(anyJson.map((j) => JSON.stringify(j)), hostileString), operationName: hostileString, extensions: fc.oneof(persistedQuery.map((p) => JSON.stringify(p)), hostileString) }, { requiredKeys: [] })
      .map((params) => `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v).slice(0, 2000)])).toString()}`),
  );
  return fc
    .record({
      method: fc.oneof({ weight: 8, arbitrary: fc.constant("POST" as const) }, { weight: 3, arbitrary: fc.constant("GET" as const) }, fc.constantFrom("PUT" as const, "DELETE" as const, "OPTIONS" as const)),
      contentType: fc.oneof({ weight: 3, arbitrary: fc.constant("application/json") }, fc.option(contentTypes, { nil: undefined })),
      preflight: fc.boolean(),
      accept: fc.option(fc.constantFrom("application/json", "text/html", "application/graphql-response+json", "*/*", "multipart/mixed"), { nil: undefined }),
      authorization: authorizationArbitrary(seeds),
      // The refresh-token cookie transport and request ids are read from headers too.
      // Either cookie name, sometimes several (cookie tossing), sometimes under both names.
      cookie: fc.option(
        fc
          .array(fc.tuple(fc.constantFrom("__Host-refresh_token", "refresh_token"), fc.oneof(pick(seeds.refreshTokens), headerSafe(100))), { minLength: 1, maxLength: 3 })
          .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join("; ")),
        { nil: undefined },
      ),
      transport: fc.option(fc.constantFrom("cookie", "body", "COOKIE", ""), { nil: undefined }),
      requestId: fc.option(headerSafe(200), { nil: undefined }),
      body,
      search,
    })
    .map(({ method, contentType, preflight, accept, authorization, cookie, transport, requestId, body: payload, search: query }): FuzzRequest => {
      const headers: Record<string, string> = {};
      if (cookie !== undefined) headers.cookie = cookie;
      if (transport !== undefined) headers["x-refresh-token-transport"] = transport;
      if (requestId !== undefined) headers["x-request-id"] = requestId;
      if (contentType !== undefined) headers["content-type"] = contentType;
      if (preflight) headers["apollo-require-preflight"] = "true";
      if (accept !== undefined) headers.accept = accept;
      if (authorization !== undefined) headers.authorization = authorization;
      const bodyless = method === "GET";
      return { method, search: query, headers, body: bodyless ? null : payload };
    });
}
