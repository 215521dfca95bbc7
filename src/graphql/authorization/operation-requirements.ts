import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getOperationAST,
  getVariableValues,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
  isCompositeType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { ROLES, type Role } from "../../auth/types";
import { type CollectContext, collectFields } from "./collect-fields";
import { type CoercedVariables, conditionsFor, type RawVariables } from "./conditions";
import { type FieldRequirements, fieldRequirements, type Requirement } from "./field-requirements";

/** A requirement and the response path of the first selected field (document order) that imposes it. */
export interface Gate {
  readonly requirement: Requirement;
  readonly path: readonly string[];
}

/**
 * Everything the operation demands of its caller, independent of who the caller is. A transport
 * checks it once before executing; a long-lived one (a subscription) can re-check `role` later.
 */
export interface OperationRequirements {
  /** Distinct requirements, first-imposed first: the first one a caller fails is its denial. */
  readonly gates: readonly Gate[];
  /** Some selected field has no policy (or is unknown): nobody may run the operation. */
  readonly denyAll: boolean;
  /** Some selected field needs a signed-in caller. */
  readonly needsViewer: boolean;
  /** The highest role any selected field requires; null when none does. */
  readonly role: Role | null;
  /**
   * False when graphql-js refuses the operation before any resolver: no operation matches the
   * name, or the variables do not coerce. Nothing is required then, so the caller gets the
   * executor's own error (BAD_USER_INPUT for variables), as it would for a validation error.
   */
  readonly executable: boolean;
}

/** Always public, never guarded: they describe the schema or the object's own type name. */
const INTROSPECTION_FIELDS = new Set(["__typename", "__schema", "__type"]);

interface Walk extends CollectContext {
  lookup: FieldRequirements;
  gates: Gate[];
  /** Field nodes on the current path: one seen again means a fragment cycle (unvalidated input). */
  onPath: Set<FieldNode>;
}

const DENY: Requirement = { kind: "deny" };

const keyOf = (r: Requirement) => (r.kind === "deny" ? "deny" : `role:${r.requires}`);

/** Only a requirement's first occurrence matters: a later one cannot fail before it. */
function addGate(walk: Walk, requirement: Requirement, path: readonly string[]): void {
  const key = keyOf(requirement);
  if (!walk.gates.some((g) => keyOf(g.requirement) === key)) walk.gates.push({ requirement, path });
}

/**
 * A pre-execution decision cannot know the runtime type behind an interface or union, so the
 * selection is checked as it would resolve on every possible object type.
 */
function walkSelection(walk: Walk, type: GraphQLCompositeType, selectionSets: readonly SelectionSetNode[], path: readonly string[]): void {
  const runtimeTypes: readonly GraphQLObjectType[] = isAbstractType(type) ? walk.schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
  for (const runtime of runtimeTypes) {
    const { fields, malformed } = collectFields(walk, runtime, selectionSets);
    if (malformed) addGate(walk, DENY, path);
    for (const [key, nodes] of fields) walkField(walk, runtime, key, nodes, path);
  }
}

function walkField(walk: Walk, parent: GraphQLObjectType, key: string, nodes: readonly FieldNode[], parentPath: readonly string[]): void {
  const name = nodes[0]?.name.value ?? "";
  if (INTROSPECTION_FIELDS.has(name)) return;
  const path = [...parentPath, key];
  const requirements = walk.lookup(parent, name);
  const field = parent.getFields()[name];
  // Unknown field, or a fragment cycle: only unvalidated input gets here, and it is refused.
  if (!requirements || !field || nodes.some((n) => walk.onPath.has(n))) {
    addGate(walk, DENY, path);
    return;
  }
  for (const requirement of requirements) addGate(walk, requirement, path);
  const returned = getNamedType(field.type);
  if (!isCompositeType(returned)) return;
  for (const n of nodes) walk.onPath.add(n);
  walkSelection(walk, returned, nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : [])), path);
  for (const n of nodes) walk.onPath.delete(n);
}

function summarize(gates: readonly Gate[]): OperationRequirements {
  const roles = gates.flatMap((g) => (g.requirement.kind === "role" ? [g.requirement.requires] : []));
  const role = ROLES.slice().reverse().find((r) => roles.includes(r)) ?? null;
  return { gates, denyAll: gates.some((g) => g.requirement.kind === "deny"), needsViewer: role !== null, role, executable: true };
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return fragments;
}

function walkOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: CoercedVariables) {
  const conditions = conditionsFor(variables);
  const walk: Walk = { schema, fragments: fragmentsOf(document), conditions, lookup: fieldRequirements(schema), gates: [], onPath: new Set() };
  const root = schema.getRootType(operation.operation);
  if (root) walkSelection(walk, root, [operation.selectionSet], []);
  else addGate(walk, DENY, []);
  return { requirements: summarize(walk.gates), cacheable: !conditions.readsVariables() };
}

/**
 * Per schema, document and operation (Apollo reuses the parsed DocumentNode from its document
 * cache): an entry is valid for any variables because it is stored only when no condition read one.
 */
const cache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationRequirements>>>();

function cacheFor(schema: GraphQLSchema, document: DocumentNode): Map<OperationDefinitionNode, OperationRequirements> {
  let byDocument = cache.get(schema);
  if (!byDocument) cache.set(schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  return byOperation;
}
const NOT_EXECUTABLE: OperationRequirements = { gates: [], denyAll: false, needsViewer: false, role: null, executable: false };

/** Coerced exactly as execution will coerce them; null when execution will refuse them. */
function coerce(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: RawVariables): CoercedVariables | null {
  if (!operation.variableDefinitions?.length) return {};
  return getVariableValues(schema, operation.variableDefinitions, raw ?? {}, { maxErrors: 1 }).coerced ?? null;
}

/**
 * What the operation `operationName` of `document` requires, after @skip/@include (with the
 * variables coerced as graphql-js does), fragments and abstract types are resolved. The document
 * should already be validated; anything malformed is denied rather than guessed at.
 */
export function operationRequirements(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: RawVariables,
): OperationRequirements {
  // graphql-js resolves the operation and coerces the variables this same way before executing;
  // when either fails it executes nothing. Coerced on every call, cached or not, so the answer
  // never depends on what an earlier request left in the cache.
  const operation = getOperationAST(document, operationName);
  const variables = operation ? coerce(schema, operation, rawVariables) : null;
  if (!operation || !variables) return NOT_EXECUTABLE;
  const cached = cacheFor(schema, document);
  const known = cached.get(operation);
  if (known) return known;
  const { requirements, cacheable } = walkOperation(schema, document, operation, variables);
  if (cacheable) cached.set(operation, requirements);
  return requirements;
}
