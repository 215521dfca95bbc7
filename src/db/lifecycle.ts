import { Prisma } from "./generated/prisma/client";
import type { HotSql } from "./hot-sql";

/**
 * Readiness: `SELECT 1` on the driver the request path's statements use (the same pool, or the
 * same PGlite thread), not through Prisma. Prisma compiles its query engine (2 MB of WASM, about
 * 30 MB of memory and 40–80 ms of a start) on its first statement; only the colder paths need it
 * (logout, session lists, admin mutations), and a probe should not be what loads it. So a ready
 * instance has not yet proven that the engine loads: the tests and the first such request do.
 */
export async function ping(hot: HotSql): Promise<void> {
  await hot.rows(Prisma.sql`SELECT 1`);
}

/** Shutdown paths (signal handler, test teardown) may both call close; the second must be a no-op. */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= close();
    return closing;
  };
}
