export { BODY_TRANSPORT, buildContext } from "./context";
export type { GraphQLContext, RefreshTokenTransport, RequestFacts, Services } from "./context";
export {
  AUTH_DIRECTIVES_SDL,
  authorizationPlugin,
  authorizeOperation,
  checkRequirements,
  isRootType,
  missingPolicies,
  operationRequirements,
  policyOf,
  requireOwner,
} from "./authorization";
export type {
  AuthorizedViewer,
  FieldPolicy,
  Gate,
  OperationRequirements,
  OperationToAuthorize,
  OwnerCheckOptions,
  Requirement,
  ViewerState,
} from "./authorization";
export { createErrorFormatter, INTERNAL_ERROR_MESSAGE, PreExecutionError } from "./errors";
export type { ErrorFormatterOptions } from "./errors";
export { viewerOf } from "./resolvers/viewer";
export { BASE_TYPE_DEFS, buildSchema } from "./schema";
export type { SchemaPart } from "./schema";
export { readSdl } from "./sdl";
export { createQueryLimits, MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS, withoutSuggestions } from "./limits";
export type { QueryLimitOptions, QueryLimits } from "./limits";
