import type { DocumentNode, GraphQLSchema } from "graphql";
import type { AuthError } from "../../auth/errors";
import { checkRequirements } from "./check-requirements";
import type { RawVariables } from "./conditions";
import { operationRequirements } from "./operation-requirements";
import type { ViewerState } from "./viewer-state";

export interface OperationToAuthorize {
  schema: GraphQLSchema;
  /** Parsed and validated. */
  document: DocumentNode;
  operationName?: string | null | undefined;
  /** Raw, as the request carried them: coerced here exactly as execution will coerce them. */
  variableValues?: RawVariables;
  viewer: ViewerState;
}

/**
 * The one authorization decision for a whole operation, taken after validation and before any
 * resolver runs: if any selected field is denied, nothing executes. Returns the first denial
 * (document order) or null. Transport-neutral: HTTP (the Apollo plugin) and other transports call
 * the same function. Throws the parked infrastructure error as `checkRequirements` does.
 */
export function authorizeOperation(operation: OperationToAuthorize): AuthError | null {
  const requirements = operationRequirements(operation.schema, operation.document, operation.operationName, operation.variableValues);
  return checkRequirements(requirements, operation.viewer);
}
