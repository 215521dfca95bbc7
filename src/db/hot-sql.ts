import { createHash } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import type { Prisma } from "./generated/prisma/client";

/**
 * The request path's hot statements (session check, rotation, login's session, audit append) run
 * on the driver itself, beside Prisma rather than through it: measured in one process on
 * PostgreSQL, a Prisma raw query costs 0.3–0.6 ms of CPU and a model query 1.7 ms, against
 * 0.08–0.14 ms for the same statement on pg (bench/profile.ts finds where the time goes). Same
 * pool and timeouts as Prisma's queries, same errors (isDatabaseUnavailable knows pg's), and
 * statements are still built with Prisma.sql, so their text and parameters have one home.
 *
 * Only single statements: each is atomic on its own, and none may run inside a Prisma
 * transaction (on PGlite a plain query waits for an open transaction to end).
 */
export interface HotSql {
  rows<R>(statement: Prisma.Sql): Promise<R[]>;
  /** Rows written (or returned) by the statement. */
  count(statement: Prisma.Sql): Promise<number>;
}

/**
 * Dates go as ISO-8601 UTC text: pg would otherwise send the host's local time with its offset
 * (right, but zone-dependent) and each driver formats them its own way.
 */
function parameters(statement: Prisma.Sql): unknown[] {
  return statement.values.map((value) => (value instanceof Date ? value.toISOString() : value));
}

/** Hot statements are few and fixed, so each is prepared once per connection; more would mean a bug. */
const MAX_PREPARED = 64;

export function pgHotSql(pool: Pool): HotSql {
  const names = new Map<string, string>();
  // Named after their text, so two call sites sharing a statement share its preparation.
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = `hot_${createHash("sha256").update(text).digest("base64url").slice(0, 22)}`;
      names.set(text, name);
    }
    return name;
  };
  const run = (statement: Prisma.Sql) => {
    const name = nameOf(statement.text);
    return pool.query(name === undefined ? { text: statement.text, values: parameters(statement) } : { name, text: statement.text, values: parameters(statement) });
  };
  return {
    rows: async <R>(statement: Prisma.Sql) => (await run(statement)).rows as R[],
    count: async (statement: Prisma.Sql) => (await run(statement)).rowCount ?? 0,
  };
}

export function pgliteHotSql(pglite: PGlite): HotSql {
  const run = (statement: Prisma.Sql) => pglite.query(statement.text, parameters(statement));
  return {
    rows: async <R>(statement: Prisma.Sql) => (await run(statement)).rows as R[],
    count: async (statement: Prisma.Sql) => {
      const result = await run(statement);
      return result.affectedRows ?? result.rows.length;
    },
  };
}
