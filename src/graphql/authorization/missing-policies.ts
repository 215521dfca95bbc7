import type { GraphQLObjectType, GraphQLSchema } from "graphql";
import { policyOf } from "./policy";

/** Query, Mutation and, whenever the schema has one, Subscription. */
function rootTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t): t is GraphQLObjectType => t != null);
}

/**
 * Every root field whose effective policy is not an explicit @public or @auth, as "Type.field".
 * Such a field is denied to everyone at run time; a test asserting this list is empty turns the
 * forgotten directive into a failing build instead of a dead endpoint.
 */
export function missingPolicies(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of rootTypes(schema)) {
    for (const [name, field] of Object.entries(type.toConfig().fields)) {
      const policy = policyOf(schema, field, type);
      if (policy.kind !== "public" && policy.kind !== "role") missing.push(`${type.name}.${name}`);
    }
  }
  return missing;
}
