import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { type AuthError, isAuthError } from "../../auth/errors";
import { PreExecutionError } from "./pre-execution-error";
import { sanitizeVariableError } from "./variable-errors";

/** Codes Apollo itself produces for bad requests; they carry no secrets and pass through. */
const APOLLO_CLIENT_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

/** Apollo's request-shape codes outside the documented set: clients see BAD_REQUEST. */
const AS_BAD_REQUEST = new Set(["OPERATION_RESOLUTION_FAILURE", "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"]);

export const INTERNAL_ERROR_MESSAGE = "Internal server error";

export interface ErrorFormatterOptions {
  /** Development only: keep the real message of unexpected errors for the developer. */
  exposeInternalMessages: boolean;
  logError(error: unknown): void;
  /**
   * Recognizes infrastructure failures the client should see as a known code (e.g. an unreachable
   * database → SERVICE_UNAVAILABLE). Injected by the composition root: this layer knows no drivers.
   */
  translate?(error: unknown): AuthError | null;
}

/**
 * The single mapping from thrown errors to what clients see. AuthError becomes its code (plus
 * reason/field); anything unexpected is logged and masked as INTERNAL_SERVER_ERROR.
 */
export function createErrorFormatter(options: ErrorFormatterOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const raw = originalOf(error);
    const translated = isAuthError(raw) ? null : (options.translate?.(raw) ?? null);
    if (translated) options.logError(raw);
    const original = translated ?? raw;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (isAuthError(original)) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original.reason) extensions.reason = original.reason;
      if (original.field) extensions.field = original.field;
      if (original.retryAfter !== undefined) extensions.retryAfter = original.retryAfter;
      return { ...base, message: original.message, extensions };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && APOLLO_CLIENT_CODES.has(code)) {
      const extensions = stripStacktrace(formatted.extensions, options.exposeInternalMessages);
      if (AS_BAD_REQUEST.has(code)) return { ...base, extensions: { ...extensions, code: "BAD_REQUEST" } };
      const variable = code === "BAD_USER_INPUT" ? sanitizeVariableError(formatted.message) : null;
      if (variable) return { ...base, message: variable.message, extensions: { ...extensions, field: variable.field } };
      return { ...base, extensions };
    }
    options.logError(original);
    return {
      ...base,
      message: options.exposeInternalMessages ? formatted.message : INTERNAL_ERROR_MESSAGE,
      extensions: {
        code: "INTERNAL_SERVER_ERROR",
        ...(options.exposeInternalMessages && formatted.extensions?.stacktrace
          ? { stacktrace: formatted.extensions.stacktrace }
          : {}),
      },
    };
  };
}

/**
 * What was thrown: by a resolver (Apollo wraps it with a path) or before execution (no path).
 * The resolver case is Apollo's `unwrapResolverError`, restated so this formatter loads without
 * Apollo's runtime (the verifier kit ships it to services).
 */
function originalOf(error: unknown): unknown {
  if (error instanceof PreExecutionError) return error.originalError ?? error;
  if (error instanceof GraphQLError && error.path && error.originalError) return error.originalError;
  return error;
}

function stripStacktrace(extensions: GraphQLFormattedError["extensions"], keep: boolean) {
  if (!extensions || keep) return extensions;
  const { stacktrace: _stack, ...rest } = extensions;
  return rest;
}
