import {
  type DocumentNode,
  type ExecutionArgs,
  getOperationAST,
  getVariableValues,
  NoSchemaIntrospectionCustomRule,
  GraphQLError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import type { SubscribePayload } from "graphql-ws";
import type { Role } from "../auth";
import {
  checkRequirements,
  type GraphQLContext,
  operationRequirements,
  PreExecutionError,
  type QueryLimits,
} from "../graphql";

export interface AdmittedOperation {
  args: ExecutionArgs;
  role: Role | null;
  subscription: boolean;
  /** Selects `sessionEvents` at its root. */
  sessionEvents: boolean;
}

/**
 * The websocket's copy of what Apollo does for an HTTP request before execution: the same parse
 * limit, validation rules (depth, aliases, cost) and the same authorization decision. Returns the
 * errors to answer with, each carrying the code the HTTP transport would give.
 */
export function admitOperation(
  schema: GraphQLSchema,
  limits: QueryLimits,
  introspection: boolean,
  payload: SubscribePayload,
  context: GraphQLContext,
): AdmittedOperation | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query, limits.parseOptions);
  } catch (error) {
    return [withCode(error, "GRAPHQL_PARSE_FAILED")];
  }
  const rules = [...specifiedRules, ...limits.validationRules, ...(introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const invalid = validate(schema, document, rules, limits.validationOptions);
  if (invalid.length > 0) return invalid.map((error) => withCode(error, "GRAPHQL_VALIDATION_FAILED"));
  const operation = getOperationAST(document, payload.operationName);
  // Refused here as Apollo refuses them over HTTP; past this point graphql-ws or the executor
  // would report them as errors without a code, which the formatter masks as internal errors.
  if (!operation) return [unresolvedOperation(payload.operationName)];
  const variableValues = payload.variables ?? undefined;
  const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues ?? {});
  if (coercion.errors) return coercion.errors.map((error) => withCode(error, "BAD_USER_INPUT"));
  // One walk: the same requirements decide now and, kept as `role`, for the life of a subscription.
  const requirements = operationRequirements(schema, document, payload.operationName, variableValues);
  try {
    const denial = checkRequirements(requirements, context);
    if (denial) return [new PreExecutionError(denial)];
  } catch (infrastructure) {
    return [new PreExecutionError(infrastructure)];
  }
  return {
    args: { schema, document, operationName: payload.operationName ?? null, variableValues: variableValues ?? null, contextValue: context },
    role: requirements.role,
    subscription: operation.operation === "subscription",
    sessionEvents: operation.operation === "subscription" && selectsSessionEvents(operation.selectionSet.selections),
  };
}

function unresolvedOperation(operationName: string | null | undefined): GraphQLError {
  const message = operationName ? `Unknown operation named "${operationName}".` : "Must provide operation name if query contains multiple operations.";
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } });
}

function selectsSessionEvents(selections: ReadonlyArray<{ kind: string; name?: { value: string } }>): boolean {
  return selections.some((selection) => selection.kind === "Field" && selection.name?.value === "sessionEvents");
}

function withCode(error: unknown, code: string): GraphQLError {
  if (!(error instanceof GraphQLError)) return new GraphQLError(String(error), { extensions: { code } });
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
