import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  isAbstractType,
  Kind,
  type SelectionSetNode,
  typeFromAST,
} from "graphql";
import type { Conditions } from "./conditions";

export interface CollectContext {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  conditions: Conditions;
}

export interface Collected {
  /** Field nodes by response key, in document order: what the executor would resolve on this type. */
  fields: Map<string, FieldNode[]>;
  /** A spread of an unknown fragment or a condition on an unknown type (validation would have refused it). */
  malformed: boolean;
}

type Condition = "matches" | "no-match" | "unknown-type";

function typeCondition(schema: GraphQLSchema, fragment: FragmentDefinitionNode | InlineFragmentNode, runtime: GraphQLObjectType): Condition {
  if (!fragment.typeCondition) return "matches";
  const conditionType = typeFromAST(schema, fragment.typeCondition);
  if (!conditionType) return "unknown-type";
  if (conditionType === runtime) return "matches";
  return isAbstractType(conditionType) && schema.isSubType(conditionType, runtime) ? "matches" : "no-match";
}

/**
 * graphql-js's `collectFields` for one runtime object type (same @skip/@include, type-condition
 * and once-per-fragment rules), except that what graphql-js would silently drop as malformed is
 * reported so the caller can deny it.
 */
export function collectFields(ctx: CollectContext, runtime: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): Collected {
  const collected: Collected = { fields: new Map(), malformed: false };
  const visitedFragments = new Set<string>();
  const visit = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!ctx.conditions.includes(selection)) continue;
        const key = selection.alias?.value ?? selection.name.value;
        const nodes = collected.fields.get(key);
        if (nodes) nodes.push(selection);
        else collected.fields.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!ctx.conditions.includes(selection)) continue;
        const condition = typeCondition(ctx.schema, selection, runtime);
        collected.malformed ||= condition === "unknown-type";
        if (condition === "matches") visit(selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (visitedFragments.has(name) || !ctx.conditions.includes(selection)) continue;
        visitedFragments.add(name);
        const fragment = ctx.fragments.get(name);
        const condition = fragment ? typeCondition(ctx.schema, fragment, runtime) : "unknown-type";
        collected.malformed ||= condition === "unknown-type";
        if (fragment && condition === "matches") visit(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) visit(selectionSet);
  return collected;
}
