import { type AuthError, serviceUnavailable } from "../auth/errors";

/*
 * How an unreachable or unresponsive PostgreSQL surfaces through Prisma 6.19's client engine,
 * @prisma/adapter-pg and pg (each shape observed against a stopped, restarting or stalled server;
 * see test/db/service-unavailable.test.ts):
 * - PrismaClientKnownRequestError P1001 (model queries, transaction start) or P2010 (raw queries)
 *   with meta.driverAdapterError.cause.kind "DatabaseNotReachable" (refused) and its siblings;
 * - a bare DriverAdapterError whose cause is { kind: "postgres", code: "57P01" … } when the server
 *   ends a session (shutdown, pg_terminate_backend) or refuses one (57P03: starting, shutting down,
 *   recovering): the engine wraps only the codes it knows;
 * - pg's own errors, passed through unwrapped because the adapter knows no code for them:
 *   "Connection terminated unexpectedly", "timeout exceeded when trying to connect", …;
 * - P2028 when a transaction could not start, or ran out of time, because the database is slow.
 * Anything else (constraint violations, SQL errors, bugs) is not an availability problem.
 */

/** Prisma error codes that mean the database could not be reached or answered too late. */
const PRISMA_CODES = new Set([
  "P1001", // can't reach database server
  "P1002", // reached but timed out
  "P1008", // operation timed out
  "P1017", // server closed the connection
  "P2024", // timed out fetching a connection from the pool
  "P2037", // too many database connections
]);

/** Driver adapter error kinds for the same conditions. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** SQLSTATEs outside class 08 (connection exception) that mean "not now". */
const SQLSTATES = new Set([
  "57P01", // admin_shutdown: terminating connection due to administrator command
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up, shutting down, in recovery
  "57P05", // idle_session_timeout
  "25P03", // idle_in_transaction_session_timeout
  "57014", // query_canceled: statement_timeout
  "53300", // too_many_connections
]);

/** Socket-level failures from Node (also carried by AggregateError when several addresses failed). */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
]);

/** pg and pg-pool raise these as plain Errors without a code. */
const PG_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "Query read timeout",
  // ThreadedPGlite, once its thread has died (not when this process closed the database).
  "The embedded database is not running",
]);

const TRANSACTION_START_TIMEOUT = "Transaction API error: Unable to start a transaction in the given time.";

/** Follow at most this many wrappers: cause chains can be cyclic. */
const MAX_DEPTH = 6;

type Loose = Record<string, unknown>;

function asRecord(value: unknown): Loose | undefined {
  return typeof value === "object" && value !== null ? (value as Loose) : undefined;
}

function isSqlState(code: unknown): boolean {
  return typeof code === "string" && (code.startsWith("08") || SQLSTATES.has(code));
}

function isPrismaUnavailable(error: Loose): boolean {
  if (typeof error.name !== "string" || !error.name.startsWith("PrismaClient")) return false;
  if (typeof error.code === "string" && PRISMA_CODES.has(error.code)) return true;
  if (error.code !== "P2028") return false;
  // Timeouts of the transaction API; the other P2028s (closed, not found) are programming errors.
  const meta = asRecord(error.meta);
  return error.message === TRANSACTION_START_TIMEOUT || (typeof meta?.timeout === "number" && typeof meta.timeTaken === "number");
}

/** One error object, without looking at what it wraps. */
function isUnavailableHere(error: Loose): boolean {
  if (isPrismaUnavailable(error)) return true;
  // A DriverAdapterError's cause, e.g. { kind: "postgres", code: "57P01", severity: "FATAL" }.
  if (typeof error.kind === "string") return ADAPTER_KINDS.has(error.kind) || (error.kind === "postgres" && isSqlState(error.code));
  // pg's DatabaseError carries the server's SQLSTATE and severity.
  if (typeof error.severity === "string" && isSqlState(error.code)) return true;
  if (typeof error.code === "string" && SOCKET_CODES.has(error.code)) return true;
  return error instanceof Error && PG_MESSAGES.has(error.message);
}

/**
 * The errors `error` wraps: Error.cause, Prisma's meta.driverAdapterError, AggregateError.errors,
 * and graphql's NonErrorThrown.thrownValue (what a resolver threw that graphql did not take for an
 * Error: under Jest's module realms, Node's own socket errors fail its instanceof check).
 */
function wrapped(error: Loose): unknown[] {
  const inner: unknown[] = [error.cause, asRecord(error.meta)?.driverAdapterError, error.thrownValue];
  if (Array.isArray(error.errors)) inner.push(...(error.errors as unknown[]));
  return inner.filter((e) => e !== undefined && e !== null);
}

function unavailableWithin(error: unknown, depth: number): boolean {
  const record = asRecord(error);
  if (!record || depth > MAX_DEPTH) return false;
  if (isUnavailableHere(record)) return true;
  return wrapped(record).some((inner) => unavailableWithin(inner, depth + 1));
}

/** Whether `error`, or anything it wraps, says the database is unreachable or not answering. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailableWithin(error, 0);
}

/**
 * Error translator for the GraphQL layer: a database outage becomes SERVICE_UNAVAILABLE (retry
 * later) instead of an internal error; anything else is left alone (null).
 */
export function toServiceUnavailable(error: unknown): AuthError | null {
  return isDatabaseUnavailable(error) ? serviceUnavailable() : null;
}
