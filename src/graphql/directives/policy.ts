import {
  getDirective,
  MapperKind,
  mapSchema,
} from "@graphql-tools/utils";
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { ROLES, type Role } from "../../auth";

export type FieldPolicy =
  | { kind: "public" }
  | { kind: "role"; requires: Role }
  /** Root field with no declared policy: denied to everyone (deny-by-default). */
  | { kind: "deny" }
  /** Nested field with no declared policy: reachable only through a root field that passed its own check. */
  | { kind: "inherit" };

function requiredRole(args: Record<string, unknown> | undefined): Role {
  return ROLES.find((r) => r === args?.requires) ?? "USER";
}

export function isRootType(schema: GraphQLSchema, type: GraphQLObjectType): boolean {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type);
}

/** Field directive wins over type directive; @public exists only on fields. */
export function policyOf(
  schema: GraphQLSchema,
  field: GraphQLFieldConfig<unknown, unknown>,
  type: GraphQLObjectType,
): FieldPolicy {
  if (getDirective(schema, field, "public")?.[0]) return { kind: "public" };
  const onField = getDirective(schema, field, "auth")?.[0];
  if (onField) return { kind: "role", requires: requiredRole(onField) };
  const onType = getDirective(schema, type, "auth")?.[0];
  if (onType) return { kind: "role", requires: requiredRole(onType) };
  return isRootType(schema, type) ? { kind: "deny" } : { kind: "inherit" };
}

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
