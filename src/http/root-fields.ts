import { type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, Kind, type OperationDefinitionNode, type SelectionSetNode } from "graphql";

export interface RootField {
  /** The response key: the alias, or the field's name. */
  key: string;
  /** The schema coordinate, e.g. "Mutation.refreshToken": from the schema, so a closed set. */
  coordinate: string;
}

/**
 * The root fields a validated operation selects, following fragments. @skip/@include are not
 * evaluated: a root field skipped by a variable is rare, and counts as selected.
 */
export function rootFieldsOf(schema: GraphQLSchema, operation: OperationDefinitionNode, document: DocumentNode): RootField[] {
  const type = schema.getRootType(operation.operation);
  if (!type) return [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fields = new Map<string, string>();
  const visit = (selectionSet: SelectionSetNode, entered: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        fields.set(selection.alias?.value ?? selection.name.value, `${type.name}.${selection.name.value}`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, entered);
      } else {
        // Validation rejects fragment cycles; the guard keeps this safe on its own.
        const fragment = fragments.get(selection.name.value);
        if (fragment && !entered.has(fragment.name.value)) visit(fragment.selectionSet, new Set([...entered, fragment.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return [...fields].map(([key, coordinate]) => ({ key, coordinate }));
}
