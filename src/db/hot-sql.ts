import { createHash } from "node:crypto";
import type { Results } from "@electric-sql/pglite";
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

/**
 * A named statement the server connection does not have (26000) or already has under that name
 * (42P05): what a transaction-mode pooler (PgBouncer before 1.21, or with max_prepared_statements
 * at 0) does to statements prepared per client connection. Neither ran, so it is safe to retry.
 */
const PREPARED_STATEMENT_CLASH = new Set(["26000", "42P05"]);

/** The name a statement is prepared under: from its text, so call sites sharing one share it. */
export function statementName(text: string): string {
  return `hot_${createHash("sha256").update(text).digest("base64url").slice(0, 22)}`;
}

/** Each text's name, for the first MAX_PREPARED texts; undefined past them (the statement runs unnamed). */
function statementNames(): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) {
      name = statementName(text);
      names.set(text, name);
    }
    return name;
  };
}

export function pgHotSql(pool: Pool): HotSql {
  const named = statementNames();
  let preparing = true;
  const run = async (statement: Prisma.Sql) => {
    // Prisma.Sql joins its text on every read of .text: read it once.
    const text = statement.text;
    const name = preparing ? named(text) : undefined;
    const unnamed = { text, values: parameters(statement) };
    if (name === undefined) return pool.query(unnamed);
    try {
      return await pool.query({ name, ...unnamed });
    } catch (error) {
      if (!PREPARED_STATEMENT_CLASH.has(String((error as { code?: unknown }).code))) throw error;
      // Behind such a pooler, from now on every statement goes unnamed, as Prisma's own do.
      preparing = false;
      return pool.query(unnamed);
    }
  };
  return {
    rows: async <R>(statement: Prisma.Sql) => (await run(statement)).rows as R[],
    count: async (statement: Prisma.Sql) => (await run(statement)).rowCount ?? 0,
  };
}

/** What the embedded database offers for them: ThreadedPGlite's named, once-parsed statements. */
export interface PreparingPGlite {
  query<T>(sql: string, params: unknown[]): Promise<Results<T>>;
  prepared<T>(name: string, sql: string, params: unknown[]): Promise<Results<T>>;
}

export function pgliteHotSql(pglite: PreparingPGlite): HotSql {
  const named = statementNames();
  const run = (statement: Prisma.Sql) => {
    const text = statement.text;
    const name = named(text);
    return name === undefined ? pglite.query(text, parameters(statement)) : pglite.prepared(name, text, parameters(statement));
  };
  return {
    rows: async <R>(statement: Prisma.Sql) => (await run(statement)).rows as R[],
    count: async (statement: Prisma.Sql) => {
      const result = await run(statement);
      return result.affectedRows ?? result.rows.length;
    },
  };
}
