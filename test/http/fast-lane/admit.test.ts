import type { FastifyRequest } from "fastify";
import { createQueryLimits } from "../../../src/graphql";
import { admit, ValidatedDocuments } from "../../../src/http/fast-lane";
import { serverSchema } from "../../support/schema";

const schema = serverSchema();
const limits = createQueryLimits({ hideSuggestions: true });
const documents = new ValidatedDocuments({ schema, parseOptions: limits.parseOptions, validationRules: limits.validationRules, validationOptions: limits.validationOptions, introspection: false });

function request(body: unknown, headers: Record<string, string> = {}, method = "POST"): FastifyRequest {
  return { method, body, headers: { "content-type": "application/json", ...headers } } as unknown as FastifyRequest;
}

const LOGIN = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";

describe("admit", () => {
  it("takes a POSTed JSON operation that validates, resolves and coerces", () => {
    const taken = admit(request({ query: "{ me { id } }" }), schema, documents);
    expect(taken?.operation.operation).toBe("query");
    expect(taken?.contentType).toBe("application/json; charset=utf-8");
    const named = admit(request({ query: "query A { __typename } mutation B { logout }", operationName: "B", variables: null, extensions: {} }), schema, documents);
    expect(named?.operation.name?.value).toBe("B");
    expect(named?.variables).toBeUndefined();
    const login = admit(request({ query: LOGIN, variables: { i: { email: "a@b.c", password: "x" } } }), schema, documents);
    expect(login?.variables).toEqual({ i: { email: "a@b.c", password: "x" } });
  });

  it.each([
    ["a GET", request({ query: "{ __typename }" }, {}, "GET")],
    ["text/plain", request({ query: "{ __typename }" }, { "content-type": "text/plain" })],
    ["no content type", request({ query: "{ __typename }" }, { "content-type": "" })],
    ["application/jsonx", request({ query: "{ __typename }" }, { "content-type": "application/jsonx" })],
    ["a batch", request([{ query: "{ __typename }" }])],
    ["a string body", request("{ __typename }")],
    ["no query", request({ operationName: "A" })],
    ["an empty query", request({ query: "" })],
    ["a non-string operationName", request({ query: "{ __typename }", operationName: 1 })],
    ["string variables", request({ query: "{ __typename }", variables: "{}" })],
    ["array variables", request({ query: "{ __typename }", variables: [] })],
    ["string extensions", request({ query: "{ __typename }", extensions: "{}" })],
    ["a persisted query", request({ query: "{ __typename }", extensions: { persistedQuery: { version: 1 } } })],
    ["an unsatisfiable Accept", request({ query: "{ __typename }" }, { accept: "text/html" })],
    ["a parse error", request({ query: "{ me { id " })],
    ["a validation error", request({ query: "{ mee }" })],
    ["introspection", request({ query: "{ __schema { queryType { name } } }" })],
    ["an unknown operation name", request({ query: "query A { __typename }", operationName: "B" })],
    ["two operations and no name", request({ query: "query A { __typename } query B { __typename }" })],
    ["a subscription", request({ query: "subscription { sessionEvents { type } }" })],
    ["a missing variable", request({ query: LOGIN })],
    ["a variable of the wrong type", request({ query: LOGIN, variables: { i: { email: 1, password: "x" } } })],
  ])("leaves %s to Apollo", (_what, leftOver) => {
    expect(admit(leftOver, schema, documents)).toBeNull();
  });
});
