import { anonymousDataLeak, type AuthorizationOracle } from "./authorization-oracle";
import type { FuzzRequest } from "./values";

/** README "Errors": the closed set of codes a client can ever see, minus INTERNAL_SERVER_ERROR. */
const KNOWN_CODES = new Set([
  "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "INVALID_CREDENTIALS", "EMAIL_TAKEN", "INVALID_REFRESH_TOKEN",
  "REFRESH_TOKEN_REUSED", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST",
]);

/** One fuzzed exchange; `body` is the whole response, never truncated, so large answers are still read. */
export interface Outcome {
  request: FuzzRequest;
  status: number;
  body: string;
}

function errorsProblem(errors: unknown): string | null {
  if (errors === undefined) return null;
  if (!Array.isArray(errors)) return "errors is not an array";
  for (const error of errors as Array<{ extensions?: { code?: unknown } }>) {
    const code = error?.extensions?.code;
    if (typeof code !== "string" || !KNOWN_CODES.has(code)) return `unknown code ${JSON.stringify(code)}`;
  }
  return null;
}

/**
 * What is wrong with a response, or null: a 5xx, an error code outside the documented set, or data
 * for a guarded field given to a request without an authentic token.
 */
export function problemWith(outcome: Outcome, oracle: AuthorizationOracle): string | null {
  if (outcome.status >= 500) return `HTTP ${outcome.status}`;
  let json: unknown;
  try {
    json = JSON.parse(outcome.body);
  } catch {
    return null; // the Sandbox page, an empty 204/404, a 4xx from Node's HTTP parser
  }
  if (typeof json !== "object" || json === null) return null;
  const { errors, data } = json as { errors?: unknown; data?: unknown };
  return errorsProblem(errors) ?? anonymousDataLeak(outcome.request, data, oracle);
}
