import { randomBytes } from "node:crypto";
import { makeExecutableSchema } from "@graphql-tools/schema";
import { OperationTypeNode } from "graphql";
import { allTypeDefs, serverSchema } from "../support/schema";
import {
  type AuthorizationOracle,
  carriesAuthenticToken,
  type FuzzRequest,
  guardedRootFields,
  problemWith,
  signJwt,
} from "../support/fuzz";

/**
 * The fuzz suite's oracle must be able to fail: fed a response that hands an anonymous caller data
 * for a guarded field, it reports a problem; fed the same data for an authentic caller, it does not.
 */

const KEY = randomBytes(48).toString("base64url");
const oracle: AuthorizationOracle = { guarded: guardedRootFields(serverSchema()), jwtKey: KEY };

const HEADER = JSON.stringify({ alg: "HS256", typ: "at+jwt" });
const CLAIMS = JSON.stringify({ sub: "u1", sid: "s1", role: "ADMIN", exp: 4_102_444_800 });
const AUTHENTIC = signJwt(HEADER, CLAIMS, KEY);
const b64 = (text: string) => Buffer.from(text).toString("base64url");

function post(query: string, authorization?: string, operationName?: string): FuzzRequest {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (authorization !== undefined) headers.authorization = authorization;
  return { method: "POST", search: "", headers, body: JSON.stringify({ query, operationName }) };
}

const answered = (request: FuzzRequest, body: unknown) => problemWith({ request, status: 200, body: JSON.stringify(body) }, oracle);
const ME = { data: { me: { id: "u1", email: "u@example.com" } } };

describe("fuzz oracle: guarded root fields", () => {
  it("come from the schema's policies: every non-@public root field, and nothing public", () => {
    expect([...(oracle.guarded.get(OperationTypeNode.QUERY) ?? [])].sort()).toEqual(["auditEvents", "me", "sessions", "signingKeys", "users"]);
    const mutations = oracle.guarded.get(OperationTypeNode.MUTATION) ?? new Set();
    expect([...mutations].sort()).toEqual([
      "changePassword",
      "createInvite",
      "deleteAccount",
      "deleteUser",
      "disableUser",
      "enableUser",
      "logoutAll",
      "requestEmailChange",
      "requestEmailVerification",
      "revokeSession",
      "revokeSigningKey",
      "revokeUserSessions",
      "rotateSigningKey",
      "setUserRole",
    ]);
  });

  it("follow the schema: a field added with @auth is guarded, one added with @public is not", () => {
    const extended = makeExecutableSchema({
      typeDefs: [...allTypeDefs(), "extend type Query { secret: String @auth open: String @public bare: String }"],
    });
    const query = guardedRootFields(extended).get(OperationTypeNode.QUERY);
    expect(query?.has("secret")).toBe(true);
    expect(query?.has("bare")).toBe(true); // no policy: denied to everyone
    expect(query?.has("open")).toBe(false);
  });
});

describe("fuzz oracle: anonymous data", () => {
  it("reports data for `me` given to a request without an Authorization header", () => {
    expect(answered(post("{ me { id email } }"), ME)).toMatch(/anonymous request got data for guarded field query\.me/);
  });

  it.each([
    ["alg none", `${b64(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${b64(CLAIMS)}.`],
    ["alg none with the right signature", `${b64(JSON.stringify({ alg: "none" }))}.${b64(CLAIMS)}.${AUTHENTIC.split(".")[2]}`],
    ["a signature made with another key", signJwt(HEADER, CLAIMS, "some-other-key-that-is-long-enough-1234")],
    ["two parts", AUTHENTIC.split(".").slice(0, 2).join(".")],
    ["four parts", `${AUTHENTIC}.x`],
    ["a flipped payload", AUTHENTIC.replace(b64(CLAIMS), b64(CLAIMS.replace("u1", "u2")))],
    ["a header that is not JSON", signJwt("not json", CLAIMS, KEY)],
  ])("reports data for `me` given to a bearer token with %s", (_what, token) => {
    expect(carriesAuthenticToken(`Bearer ${token}`, KEY)).toBe(false);
    expect(answered(post("{ me { id } }", `Bearer ${token}`), ME)).not.toBeNull();
  });

  it.each([
    ["a non-bearer scheme", `Basic ${AUTHENTIC}`],
    ["a bare token", AUTHENTIC],
    ["an empty bearer", "Bearer "],
  ])("reports data given to %s", (_what, authorization) => {
    expect(answered(post("{ me { id } }", authorization), ME)).not.toBeNull();
  });

  it("sees through aliases, inline fragments and fragment spreads", () => {
    expect(answered(post("{ who: me { id } }"), { data: { who: { id: "u1" } } })).toMatch(/response key "who"/);
    expect(answered(post("{ ... on Query { me { id } } }"), ME)).not.toBeNull();
    expect(answered(post("query { ...F } fragment F on Query { users { id } }"), { data: { users: [] } })).toMatch(/query\.users/);
  });

  it("checks mutations and GET requests too", () => {
    expect(answered(post("mutation { logoutAll }"), { data: { logoutAll: 0 } })).toMatch(/mutation\.logoutAll/);
    const get: FuzzRequest = { method: "GET", search: `?${new URLSearchParams({ query: "{ me { id } }" })}`, headers: {}, body: null };
    expect(answered(get, ME)).not.toBeNull();
  });

  it("falls back to response keys when the request's document cannot be read", () => {
    const unreadable: FuzzRequest = { method: "POST", search: "", headers: {}, body: "{ not json" };
    expect(answered(unreadable, ME)).not.toBeNull();
  });

  it("reads the whole response, however long", () => {
    const users = Array.from({ length: 200 }, (_, i) => ({ id: `u${i}`, email: `user${i}@example.com` }));
    expect(answered(post("{ users { id email } }"), { data: { users } })).toMatch(/query\.users/);
  });
});

describe("fuzz oracle: what it accepts", () => {
  it("data for a guarded field given to an authentic token (the server decides its claims)", () => {
    expect(carriesAuthenticToken(`Bearer ${AUTHENTIC}`, KEY)).toBe(true);
    expect(carriesAuthenticToken(`bearer   ${AUTHENTIC}`, KEY)).toBe(true);
    expect(answered(post("{ me { id } }", `Bearer ${AUTHENTIC}`), ME)).toBeNull();
  });

  it("public fields, null data and denials for an anonymous request", () => {
    expect(answered(post("mutation { login(input: { email: \"a@b.co\", password: \"x\" }) { accessToken } }"), { data: { login: { accessToken: "t" } } })).toBeNull();
    expect(answered(post("{ me { id } }"), { data: null, errors: [{ message: "no", extensions: { code: "UNAUTHENTICATED" } }] })).toBeNull();
    expect(answered(post("{ __typename me { id } }"), { data: { __typename: "Query", me: null } })).toBeNull();
  });

  it("an alias of a public field named like a guarded one", () => {
    expect(answered(post("mutation { me: logout }"), { data: { me: true } })).toBeNull();
  });
});
