export { BODY_TRANSPORT, buildContext } from "./context";
export type { GraphQLContext, RefreshTokenTransport, RequestFacts } from "./context";
export { isRootType, policyOf } from "./directives";
export type { FieldPolicy } from "./directives";
export { createErrorFormatter, INTERNAL_ERROR_MESSAGE } from "./errors";
export { buildSchema, loadTypeDefs } from "./schema";
export { createQueryLimits, MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS } from "./limits";
export type { QueryLimitOptions, QueryLimits } from "./limits";
