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

export interface FormattedResult {
  /** Undefined: Apollo's default, 200. */
  status: number | undefined;
  /** Set by an error's `extensions.http.headers`, as Apollo sets them. */
  headers: Map<string, string>;
  errors: GraphQLFormattedError[] | undefined;
}

/**
 * An executed result as Apollo Server 5 answers it: each error through didEncounterErrors (the
 * suggestions plugin), enriched with a default code and the stack where configured, then the
 * server's formatter; an `extensions.http` status taken off the error onto the response. The one
 * place the fast lane must agree with Apollo's requestPipeline/errorNormalize, which the
 * differential test (test/http/fast-lane) holds it to.
 */
export function formatResult(result: ExecutionResult, formatting: ResultFormatting): FormattedResult {
  let status: number | undefined;
  const headers = new Map<string, string>();
  const errors = result.errors?.map((error) => {
    if (formatting.hideSuggestions) error.message = withoutSuggestions(error.message);
    const { formatted, http } = enrich(error, formatting.includeStacktrace);
    if (http?.status) status = http.status;
    for (const [name, value] of http?.headers ?? []) headers.set(name, value);
    try {
      return formatting.formatError(formatted, error);
    } catch (formattingError) {
      return formatting.includeStacktrace ? enrich(formattingError, true).formatted : { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
  });
  // Apollo's status400ForVariableCoercionErrors: errors and no data at all is a request error.
  if (errors?.length && result.data === undefined && !status) status = 400;
  return { status, headers, errors };
}

/** The body as Apollo writes it: errors, data, extensions in that order, and a trailing newline. */
export function resultBody(errors: GraphQLFormattedError[] | undefined, result: ExecutionResult): string {
  return `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`;
}

interface HttpHead {
  status?: number;
  headers?: Map<string, string>;
}

function enrich(maybeError: unknown, includeStacktrace: boolean): { formatted: GraphQLFormattedError; http: HttpHead | null } {
  const error = asGraphQLError(maybeError);
  const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? "INTERNAL_SERVER_ERROR" };
  let http: HttpHead | null = null;
  if (isHttpHead(extensions.http)) {
    http = extensions.http;
    delete extensions.http;
  }
  if (includeStacktrace) extensions.stacktrace = error.stack?.split("\n");
  return { formatted: { ...error.toJSON(), extensions }, http };
}

function asGraphQLError(maybeError: unknown): GraphQLError {
  const error = maybeError instanceof Error ? maybeError : new GraphQLError(`Unexpected error value: ${String(maybeError)}`);
  return error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
}

/** Apollo's isPartialHTTPGraphQLHead. */
function isHttpHead(value: unknown): value is HttpHead {
  if (!value || typeof value !== "object") return false;
  const head = value as { status?: unknown; headers?: unknown };
  return (!("status" in head) || typeof head.status === "number") && (!("headers" in head) || head.headers instanceof Map);
}
