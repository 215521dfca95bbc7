import { ConfigError } from "./config";
import { DataDirInUseError, parseDatabaseUrl, redactDatabaseUrl as redact } from "./db";

export interface StartupSettings {
  databaseUrl: string;
  host: string;
  port: number;
}

/**
 * One message for a process that could not start: what failed and the command or setting that
 * fixes it. The raw error (wrapped by Prisma's adapter or not) is searched for the cause the
 * operator can act on; a DATABASE_URL is only ever shown with its password masked.
 */
export function explainStartupFailure(error: unknown, settings: StartupSettings): string {
  if (error instanceof ConfigError) return `Invalid configuration: ${error.message}`;
  if (error instanceof DataDirInUseError) return error.message;
  const listen = findCause(error, (cause) => cause.syscall === "listen");
  if (listen) return explainListen(listen, settings);
  const database = explainDatabase(error, settings.databaseUrl);
  if (database) return database;
  return `Startup failed: ${describe(error)}`;
}

function explainListen(cause: ErrorLike, { host, port }: StartupSettings): string {
  if (cause.code === "EADDRINUSE") {
    return `Port ${port} on ${host} is already in use (another copy of this server?). Stop that process, or start on another port: PORT=${port + 1} npm start`;
  }
  if (cause.code === "EACCES") {
    return `Not allowed to listen on port ${port} (ports below 1024 need privileges). Set PORT to 1024 or above, e.g. PORT=4000`;
  }
  if (cause.code === "EADDRNOTAVAIL") {
    return `HOST=${host} is not an address of this machine. Set HOST to 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`;
  }
  return `Cannot listen on ${host}:${port}: ${describe(cause)}`;
}

function explainDatabase(error: unknown, databaseUrl: string): string | null {
  let target;
  try {
    target = parseDatabaseUrl(databaseUrl);
  } catch {
    return null;
  }
  if (target.kind === "pglite") {
    const denied = findCause(error, (cause) => cause.code === "EACCES" || cause.code === "EPERM" || cause.code === "EROFS");
    if (!denied) return null;
    return `The embedded database directory ${target.dataDir ?? ""} cannot be written (${denied.code}). Fix its permissions, or point DATABASE_URL at another directory (DATABASE_URL=pglite:./.data/pglite)`;
  }
  const where = postgresTarget(target.connectionString);
  const shown = `DATABASE_URL=${redact(target.connectionString)}`;
  const missingDatabase = findCause(error, (cause) => cause.code === "3D000");
  if (missingDatabase) {
    return `The database "${where.database}" does not exist on ${where.host}:${where.port} (${shown}). Create it: createdb -h ${where.host} -p ${where.port} -U ${where.user} ${where.database}`;
  }
  const badLogin = findCause(error, (cause) => cause.code === "28000" || cause.code === "28P01");
  if (badLogin) {
    return `PostgreSQL at ${where.host}:${where.port} refused the user "${where.user}": ${badLogin.message} (${shown}). Fix the user and password in DATABASE_URL, or create the role: createuser -h ${where.host} -p ${where.port} -U postgres ${where.user}`;
  }
  const unreachable = findCause(error, (cause) => ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH"].includes(String(cause.code)));
  const timedOut = findCause(error, (cause) => /timeout/i.test(cause.message ?? "") && /connect/i.test(cause.message ?? ""));
  if (unreachable || timedOut) {
    const why = unreachable?.code === "ENOTFOUND" ? `the host "${where.host}" is unknown` : "nothing answered";
    return `Cannot reach PostgreSQL at ${where.host}:${where.port}: ${why} (${shown}). Start PostgreSQL, or fix the host and port in DATABASE_URL; without DATABASE_URL the server uses its embedded database`;
  }
  const postgresError = findCause(error, (cause) => typeof cause.code === "string" && /^[0-9A-Z]{5}$/.test(cause.code));
  if (postgresError) return `PostgreSQL (${shown}) refused to start this server: ${postgresError.message} [${postgresError.code}]`;
  return null;
}

function postgresTarget(connectionString: string): { host: string; port: string; user: string; database: string } {
  try {
    const url = new URL(connectionString);
    const user = decodeURIComponent(url.username) || "postgres";
    return {
      host: url.hostname || "localhost",
      port: url.port || "5432",
      user,
      database: decodeURIComponent(url.pathname.replace(/^\//, "")) || user,
    };
  } catch {
    return { host: "localhost", port: "5432", user: "postgres", database: "postgres" };
  }
}

interface ErrorLike {
  code?: unknown;
  syscall?: unknown;
  message?: string;
}

/** The error or one of its causes (Prisma's adapter and AggregateError wrap the driver's). */
function findCause(error: unknown, match: (cause: ErrorLike) => boolean): ErrorLike | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (typeof next !== "object" || next === null || seen.has(next)) continue;
    seen.add(next);
    const candidate = next as ErrorLike & { cause?: unknown; errors?: unknown };
    if (match(candidate)) return candidate;
    queue.push(candidate.cause);
    if (Array.isArray(candidate.errors)) queue.push(...(candidate.errors as unknown[]));
  }
  return null;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
