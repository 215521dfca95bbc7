import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLObjectType, GraphQLSchema } from "graphql";
import { missingPolicies, policyOf } from "../../src/graphql";
import { allTypeDefs, serverSchema } from "../support/schema";

/** Query, Mutation and, whenever the schema has one, Subscription. */
function rootTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t): t is GraphQLObjectType => t != null);
}

const LEAKY = "extend type Query { leaky: String }";
const SUBSCRIPTIONS = `
  type Subscription {
    ticks: Int @public
    events: Int @auth
    adminEvents: Int @auth(requires: ADMIN)
  }
`;

describe("field policies over the real schema", () => {
  const schema = serverSchema();

  it("every root field (Query, Mutation, Subscription when present) declares @auth or @public", () => {
    const fields = rootTypes(schema).flatMap((t) => Object.keys(t.getFields()));
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
    expect(policy(query, "me")).toEqual({ kind: "role", requires: "USER", verified: false });
    expect(policy(query, "users")).toEqual({ kind: "role", requires: "ADMIN", verified: false });
    expect(policy(mutation, "login")).toEqual({ kind: "public" });
    expect(policy(mutation, "setUserRole")).toEqual({ kind: "role", requires: "ADMIN", verified: false });
  });

  it("the walker reports a root field without a policy", () => {
    const leaky = makeExecutableSchema({ typeDefs: [...allTypeDefs(), LEAKY] });
    expect(missingPolicies(leaky)).toEqual(["Query.leaky"]);
  });
});

describe("the walker covers the Subscription type", () => {
  it("accepts subscription fields that declare @auth or @public", () => {
    const schema = makeExecutableSchema({ typeDefs: [...allTypeDefs(), SUBSCRIPTIONS] });
    expect(schema.getSubscriptionType()).toBeDefined();
    expect(missingPolicies(schema)).toEqual([]);
  });

  it("reports a subscription field without a policy", () => {
    const schema = makeExecutableSchema({ typeDefs: [...allTypeDefs(), SUBSCRIPTIONS, "extend type Subscription { bare: Int }"] });
    expect(missingPolicies(schema)).toEqual(["Subscription.bare"]);
  });

  it("reads a subscription field's policy, and deny-by-default for one without", () => {
    const schema = makeExecutableSchema({ typeDefs: [...allTypeDefs(), SUBSCRIPTIONS, "extend type Subscription { bare: Int }"] });
    const subscription = schema.getSubscriptionType()!;
    const fields = subscription.getFields();
    expect(policyOf(schema, fields.adminEvents!, subscription)).toEqual({ kind: "role", requires: "ADMIN", verified: false });
    expect(policyOf(schema, fields.bare!, subscription)).toEqual({ kind: "deny" });
  });
});
