import { GraphQLError } from "graphql";

/**
 * Carries an error raised before execution (the authorization decision) through Apollo's plugin
 * pipeline. Apollo answers any error thrown from `didResolveOperation` with HTTP 500 unless it
 * names a status, and every GraphQL error here is HTTP 200; the formatter unwraps `originalError`
 * so the client sees the same code and reason a resolver error would carry.
 */
export class PreExecutionError extends GraphQLError {
  constructor(error: unknown) {
    // Kept as the cause, so what it says (a driver's error code, say) still reaches the formatter.
    const original = error instanceof Error ? error : new Error(describe(error), { cause: error });
    super(original.message, { originalError: original, extensions: { http: { status: 200 } } });
  }
}

/** A thrown non-Error as text; some values (a null-prototype object) cannot be converted at all. */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "Unexpected error value";
  }
}
