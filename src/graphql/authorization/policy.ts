import { type DirectableGraphQLObject, getDirective } from "@graphql-tools/utils";
import type { GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema } from "graphql";
import { ROLES, type Role } from "../../auth/types";

export type FieldPolicy =
  | { kind: "public" }
  /** `verified`: the viewer's email must be verified too (@auth(verified: true)). */
  | { kind: "role"; requires: Role; verified: boolean }
  /** Root field with no declared policy: denied to everyone (deny-by-default). */
  | { kind: "deny" }
  /** Nested field with no declared policy: reachable only through a parent that passed its own check. */
  | { kind: "inherit" };

function requiredRole(args: Record<string, unknown> | undefined): Role {
  return ROLES.find((r) => r === args?.requires) ?? "USER";
}

export function isRootType(schema: GraphQLSchema, type: GraphQLObjectType | GraphQLInterfaceType): boolean {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type as GraphQLObjectType);
}

/**
 * Field directive wins over type directive; @public exists only on fields. `field` is a field or
 * its config (both carry the AST the directives are read from). Interfaces carry @auth only on
 * their fields (the SDL allows it on OBJECT, not INTERFACE), so theirs is field-level or "inherit".
 */
export function policyOf(
  schema: GraphQLSchema,
  field: DirectableGraphQLObject,
  type: GraphQLObjectType | GraphQLInterfaceType,
): FieldPolicy {
  if (getDirective(schema, field, "public")?.[0]) return { kind: "public" };
  const onField = getDirective(schema, field, "auth")?.[0];
  if (onField) return { kind: "role", requires: requiredRole(onField), verified: onField.verified === true };
  const onType = getDirective(schema, type, "auth")?.[0];
  if (onType) return { kind: "role", requires: requiredRole(onType), verified: onType.verified === true };
  return isRootType(schema, type) ? { kind: "deny" } : { kind: "inherit" };
}
