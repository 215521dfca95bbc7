import { MapperKind, mapSchema } from "@graphql-tools/utils";
import { defaultFieldResolver, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { type FieldPolicy, policyOf } from "../authorization/policy";

export type PolicyEnforcer = (policy: Exclude<FieldPolicy, { kind: "inherit" | "public" }>, context: unknown) => void;

/** Wraps every field that has a policy other than "inherit"/"public" with `enforce`. */
export function applyPolicies(schema: GraphQLSchema, enforce: PolicyEnforcer): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _name, typeName) => {
      const type = schema.getType(typeName) as GraphQLObjectType;
      const policy = policyOf(schema, field, type);
      if (policy.kind === "inherit" || policy.kind === "public") return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve(source, args, context, info) {
          enforce(policy, context);
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
