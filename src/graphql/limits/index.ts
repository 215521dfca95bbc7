export { createQueryLimits } from "./armor";
export type { QueryLimitOptions, QueryLimits } from "./armor";
export { withoutSuggestions } from "./hide-suggestions";
export { MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_DIRECTIVES, MAX_TOKENS } from "./query-limits";
