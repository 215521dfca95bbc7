/** Where the data lives, decided from DATABASE_URL alone so callers never branch on strings. */
export type DatabaseTarget =
  | { kind: "postgres"; connectionString: string }
  | { kind: "pglite"; dataDir: string | null };

const PGLITE_PREFIX = "pglite:";
const PGLITE_MEMORY = "memory";

/**
 * Accepts `postgresql://…` / `postgres://…`, `pglite:memory` or `pglite:<dir>`. Anything else is a
 * configuration mistake, so the error says what is accepted instead of guessing.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\/[^/\s]/i.test(trimmed)) {
    return { kind: "postgres", connectionString: trimmed };
  }
  if (trimmed.startsWith(PGLITE_PREFIX)) {
    const location = trimmed.slice(PGLITE_PREFIX.length);
    if (location === PGLITE_MEMORY) return { kind: "pglite", dataDir: null };
    if (location.length > 0) return { kind: "pglite", dataDir: location };
  }
  throw new Error(
    `Unsupported database URL "${redact(trimmed)}": expected postgresql://user@host:port/db, ` +
      `pglite:memory or pglite:<directory>.`,
  );
}

/** Never echo a password from a misconfigured URL into logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@\s]+):[^@\s]*@/, "$1:***@");
}
