import type { GraphQLObjectType, GraphQLSchema } from "graphql";
import type { Role } from "../../auth/types";
import { type FieldPolicy, policyOf } from "./policy";

/** What selecting one field demands: nothing can satisfy "deny"; "role" needs a viewer of at least that role. */
export type Requirement = { kind: "deny" } | { kind: "role"; requires: Role; verified: boolean };

/** Requirements of `type.fieldName`, or undefined when the type has no such field. */
export type FieldRequirements = (type: GraphQLObjectType, fieldName: string) => readonly Requirement[] | undefined;

const NONE: readonly Requirement[] = [];
const bySchema = new WeakMap<GraphQLSchema, FieldRequirements>();

function asRequirements(policy: FieldPolicy): Requirement[] {
  if (policy.kind === "deny") return [{ kind: "deny" }];
  if (policy.kind === "role") return [{ kind: "role", requires: policy.requires, verified: policy.verified }];
  return [];
}

function requirementsOfType(schema: GraphQLSchema, type: GraphQLObjectType): Map<string, readonly Requirement[]> {
  const byField = new Map<string, readonly Requirement[]>();
  for (const field of Object.values(type.getFields())) {
    // An @auth on an interface's field binds every implementation, whether the query selected
    // the field through the interface or on the object type: both policies must pass.
    const declared = type.getInterfaces().flatMap((iface) => {
      const inherited = iface.getFields()[field.name];
      return inherited ? [policyOf(schema, inherited, iface)] : [];
    });
    const requirements = [policyOf(schema, field, type), ...declared].flatMap(asRequirements);
    byField.set(field.name, requirements.length > 0 ? requirements : NONE);
  }
  return byField;
}

/**
 * The schema-only half of authorization, computed once per schema (lazily per object type):
 * reading directives off the AST on every request would cost more than the rest of the check.
 */
export function fieldRequirements(schema: GraphQLSchema): FieldRequirements {
  const known = bySchema.get(schema);
  if (known) return known;
  const byType = new Map<GraphQLObjectType, Map<string, readonly Requirement[]>>();
  const lookup: FieldRequirements = (type, fieldName) => {
    let fields = byType.get(type);
    if (!fields) {
      fields = requirementsOfType(schema, type);
      byType.set(type, fields);
    }
    return fields.get(fieldName);
  };
  bySchema.set(schema, lookup);
  return lookup;
}
