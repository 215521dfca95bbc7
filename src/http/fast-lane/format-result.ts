import { HeaderMap } from "@apollo/server";
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from "graphql";
import { withoutSuggestions } from "../../graphql";

export interface ResultFormatting {
  /** The server's one formatter (createErrorFormatter), as Apollo is given it. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Production: "Did you mean …?" removed, as the query limits' plugin does for Apollo. */
  hideSuggestions: boolean;
  /** Development: each error carries its stack (includeStacktraceInErrorResponses). */
  includeStacktrace: boolean;
}

export interface FormattedErrors {
  /** Undefined: Apollo's default for the path taken (200 for a result, 500 for a failure). */
  status: number | undefined;
  /** Set by errors' `extensions.http.headers`: Apollo's header map (names lower-cased, last wins). */
  headers: HeaderMap;
  errors: GraphQLFormattedError[] | undefined;
}

/**
 * An executed result as Apollo Server 5 answers it (requestPipeline.ts): its errors formatted, and
 * errors with no data at all answered 400 (status400ForVariableCoercionErrors). Throws where Apollo's
 * pipeline would have thrown inside its execution step; the caller answers as Apollo does then.
 */
export function formatResult(result: ExecutionResult, formatting: ResultFormatting): FormattedErrors {
  const formatted = formatErrors(result.errors, formatting);
  if (formatted.errors?.length && result.data === undefined && !formatted.status) formatted.status = 400;
  return formatted;
}

/**
 * Errors as Apollo formats them: each through didEncounterErrors (the suggestions plugin), then
 * errorNormalize's enrichment (default code, `extensions.http` moved onto the response, the stack
 * where configured) and the server's formatter, a formatter failure masked per error. The one
 * place the fast lane must agree with Apollo's internals, which the differential test
 * (test/http/fast-lane) holds it to.
 */
export function formatErrors(errors: readonly GraphQLError[] | undefined, formatting: ResultFormatting): FormattedErrors {
  const head: FormattedErrors = { status: undefined, headers: new HeaderMap(), errors: undefined };
  if (!errors) return head;
  if (formatting.hideSuggestions) for (const error of errors) error.message = withoutSuggestions(error.message);
  head.errors = errors.map((error) => {
    try {
      return formatting.formatError(enrich(error, formatting.includeStacktrace, head), error);
    } catch (formattingError) {
      if (formatting.includeStacktrace) return enrich(formattingError, true, head);
      return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
  });
  return head;
}

/** The body as Apollo writes it: errors, data, extensions in that order, and a trailing newline. */
export function resultBody(errors: readonly GraphQLFormattedError[] | undefined, result: ExecutionResult): string {
  return `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
}

/** Apollo's ensureGraphQLError. */
export function asGraphQLError(maybeError: unknown): GraphQLError {
  const error = maybeError instanceof Error ? maybeError : new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
}

interface HttpHead {
  status?: number;
  headers?: Map<string, string>;
}

/** errorNormalize's enrichError: the head it carries is merged into the response's as it goes. */
function enrich(maybeError: unknown, includeStacktrace: boolean, head: FormattedErrors): GraphQLFormattedError {
  const error = asGraphQLError(maybeError);
  const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? "INTERNAL_SERVER_ERROR" };
  if (isHttpHead(extensions.http)) {
    if (extensions.http.status) head.status = extensions.http.status;
    for (const [name, value] of extensions.http.headers ?? []) head.headers.set(name, value);
    delete extensions.http;
  }
  if (includeStacktrace) extensions.stacktrace = error.stack?.split("\n");
  return { ...error.toJSON(), extensions };
}

/** Apollo's isPartialHTTPGraphQLHead. */
function isHttpHead(value: unknown): value is HttpHead {
  if (!value || typeof value !== "object") return false;
  const head = value as { status?: unknown; headers?: unknown };
  return (!("status" in head) || typeof head.status === "number") && (!("headers" in head) || head.headers instanceof Map);
}
