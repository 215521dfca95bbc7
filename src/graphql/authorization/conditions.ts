import {
  type DirectiveNode,
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
} from "graphql";

export type RawVariables = Readonly<Record<string, unknown>> | null | undefined;
/** Variables after graphql-js's own coercion (`getVariableValues`), as execution will see them. */
export type CoercedVariables = Readonly<Record<string, unknown>>;

interface DirectableNode {
  readonly directives?: readonly DirectiveNode[] | undefined;
}

/** `@skip` / `@include`, evaluated as graphql-js's executor evaluates them. */
export interface Conditions {
  /** False only when the executor would certainly leave the node out. */
  includes(node: DirectableNode): boolean;
  /** Whether some condition read a variable: then the decision holds for these variables only. */
  readsVariables(): boolean;
}

function isCondition(directive: DirectiveNode): boolean {
  const name = directive.name.value;
  return name === GraphQLSkipDirective.name || name === GraphQLIncludeDirective.name;
}

function usesVariable(node: DirectableNode): boolean {
  return (node.directives ?? []).some((d) => isCondition(d) && (d.arguments ?? []).some((a) => a.value.kind === Kind.VARIABLE));
}

function excluded(node: DirectableNode, variables: CoercedVariables): boolean {
  try {
    return getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true ||
      getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false;
  } catch {
    // A condition graphql-js cannot evaluate either (a null variable for `if: Boolean!`): execution
    // fails there, but perhaps only after earlier fields ran, so the field is still checked.
    return false;
  }
}

export function conditionsFor(variables: CoercedVariables): Conditions {
  let readsVariables = false;
  return {
    includes(node) {
      if (!node.directives?.length) return true;
      readsVariables ||= usesVariable(node);
      return !excluded(node, variables);
    },
    readsVariables: () => readsVariables,
  };
}
