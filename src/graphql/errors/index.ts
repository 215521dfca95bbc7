export { createErrorFormatter, INTERNAL_ERROR_MESSAGE } from "./format-error";
export type { ErrorFormatterOptions } from "./format-error";
export { PreExecutionError } from "./pre-execution-error";
