import { makeExecutableSchema } from "@graphql-tools/schema";
import { graphql, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { AuthError, type Role, type Viewer } from "../../src/auth";
import { BODY_TRANSPORT, type GraphQLContext, policyOf } from "../../src/graphql";
import { allTypeDefs, serverSchema } from "../support/schema";
import { authDirectiveTransformer } from "../../src/graphql/directives";

/** Every root field whose effective policy is not an explicit @public or @auth, as "Type.field". */
function missingPolicies(schema: GraphQLSchema): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  const missing: string[] = [];
  for (const type of roots.filter((t): t is GraphQLObjectType => t != null)) {
    for (const [name, field] of Object.entries(type.toConfig().fields)) {
      const policy = policyOf(schema, field, type);
      if (policy.kind !== "public" && policy.kind !== "role") missing.push(`${type.name}.${name}`);
    }
  }
  return missing;
}

const LEAKY = "extend type Query { leaky: String }";
const SECRET_TYPE = `
  type Secret @auth(requires: ADMIN) { value: String }
  extend type Query { secret: Secret @public }
`;

/** The real SDL plus test-only fields, wired through the same transformer the server uses. */
function extendedSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: [...allTypeDefs(), LEAKY, SECRET_TYPE],
    resolvers: { Query: { leaky: () => "secret", secret: () => ({ value: "classified" }) } },
  });
  return authDirectiveTransformer(schema);
}

function viewer(role: Role): Viewer {
  return { user: { id: "u1", email: "u@example.com", role, credentialVersion: 0, createdAt: new Date(0) }, sessionId: "s1" };
}

function context(v: Viewer | null): GraphQLContext {
  return {
    services: {} as GraphQLContext["services"],
    viewer: v,
    authFailure: v ? null : "TOKEN_MISSING",
    authError: null,
    claims: null,
    client: { userAgent: null, ip: null, requestId: null },
    refreshTransport: BODY_TRANSPORT,
  };
}

function authCode(error: { originalError?: unknown } | undefined): string | undefined {
  const original = error?.originalError;
  return original instanceof AuthError ? original.code : undefined;
}

describe("field policies over the real schema", () => {
  const schema = serverSchema();

  it("every Query and Mutation root field declares @auth or @public", () => {
    const fields = [schema.getQueryType(), schema.getMutationType()].flatMap((t) => Object.keys(t?.getFields() ?? {}));
    expect(fields.length).toBeGreaterThan(0);
    expect(missingPolicies(schema)).toEqual([]);
  });

  it("reads the declared policy of representative fields", () => {
    const query = schema.getQueryType()!;
    const mutation = schema.getMutationType()!;
    const policy = (type: GraphQLObjectType, name: string) => {
      const field = type.toConfig().fields[name];
      if (!field) throw new Error(`${type.name}.${name} not in schema`);
      return policyOf(schema, field, type);
    };
    expect(policy(query, "me")).toEqual({ kind: "role", requires: "USER" });
    expect(policy(query, "users")).toEqual({ kind: "role", requires: "ADMIN" });
    expect(policy(mutation, "login")).toEqual({ kind: "public" });
    expect(policy(mutation, "setUserRole")).toEqual({ kind: "role", requires: "ADMIN" });
  });

  it("the walker reports a root field without a policy", () => {
    const leaky = makeExecutableSchema({ typeDefs: [...allTypeDefs(), LEAKY] });
    expect(missingPolicies(leaky)).toEqual(["Query.leaky"]);
  });
});

describe("runtime enforcement", () => {
  const schema = extendedSchema();

  it.each([
    ["anonymous", null],
    ["an ADMIN", viewer("ADMIN")],
  ])("denies a root field without a policy to %s", async (_who, v) => {
    const result = await graphql({ schema, source: "{ leaky }", contextValue: context(v) });
    expect(result.errors).toHaveLength(1);
    expect(authCode(result.errors?.[0])).toBe("FORBIDDEN");
    expect(JSON.stringify(result.data)).not.toContain("secret");
  });

  it.each([
    ["anonymous", "UNAUTHENTICATED", null],
    ["a USER", "FORBIDDEN", viewer("USER")],
  ])("@auth on an object type guards its fields: %s gets %s", async (_who, code, v) => {
    const result = await graphql({ schema, source: "{ secret { value } }", contextValue: context(v) });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.path).toEqual(["secret", "value"]);
    expect(authCode(result.errors?.[0])).toBe(code);
    expect(JSON.stringify(result.data)).not.toContain("classified");
  });

  it("@auth on an object type admits the required role", async () => {
    const result = await graphql({ schema, source: "{ secret { value } }", contextValue: context(viewer("ADMIN")) });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ secret: { value: "classified" } });
  });

  it("a parked infrastructure error surfaces instead of UNAUTHENTICATED", async () => {
    const failure = new Error("database unreachable");
    const result = await graphql({
      schema,
      source: "{ secret { value } }",
      contextValue: { ...context(null), authFailure: "TOKEN_INVALID", authError: failure },
    });
    expect(result.errors?.[0]?.originalError).toBe(failure);
  });
});
