import { AUTH_ERROR_CODES } from "../auth";

/** Label of a request without an operation name. */
export const ANONYMOUS = "anonymous";
/** Label of every value past a bound, or not of the expected shape. */
export const OTHER = "other";
/** The code label of an operation or field that answered without an error. */
export const OK = "OK";

/** A GraphQL Name (the spec's grammar), at most 64 characters: anything else is not a name worth a series. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Operation names are written by clients, and every distinct label value is a new series that
 * Prometheus keeps: left unbounded, one client sending random names would grow the scrape and the
 * TSDB without limit. The first `max` distinct names keep their own label for the life of the
 * process; later ones, and malformed ones, share "other". A flood after a restart can take the
 * slots before real clients do: the cost is a coarser dashboard, never memory.
 */
export class OperationNameLabels {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  label(name: string | null | undefined): string {
    if (name === null || name === undefined || name === "") return ANONYMOUS;
    if (!OPERATION_NAME.test(name)) return OTHER;
    if (this.known.has(name)) return name;
    if (this.known.size >= this.max) return OTHER;
    this.known.add(name);
    return name;
  }
}

/**
 * The `extensions.code` values the error formatter can produce (src/graphql/errors): the auth
 * core's closed set plus Apollo's request-shape codes and the masked internal error.
 */
const ERROR_CODES: ReadonlySet<string> = new Set<string>([
  ...AUTH_ERROR_CODES,
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "INTERNAL_SERVER_ERROR",
]);

/** OK without an error; the code when it is one the server produces; "other" for anything else. */
export function codeLabel(code: string | null): string {
  if (code === null) return OK;
  return ERROR_CODES.has(code) ? code : OTHER;
}

/** `value` when it is one of `allowed`, else "other": labels fed from data stay a closed set. */
export function oneOf(value: unknown, allowed: readonly string[]): string {
  return typeof value === "string" && allowed.includes(value) ? value : OTHER;
}
