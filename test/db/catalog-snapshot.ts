import type { SqlExecutor } from "../../src/db/sql-driver";

/**
 * A normalized, order-independent picture of the public schema: what `prisma migrate diff` would
 * compare. Prisma's own bookkeeping table is left out; column order is too (Prisma ignores it).
 */
export interface CatalogSnapshot {
  columns: unknown[];
  indexes: unknown[];
  constraints: unknown[];
  enums: unknown[];
}

const COLUMNS = `
  SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
         character_maximum_length, numeric_precision, datetime_precision
    FROM information_schema.columns
   WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
   ORDER BY table_name, column_name`;

const INDEXES = `
  SELECT tablename, indexname, indexdef
    FROM pg_indexes
   WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
   ORDER BY tablename, indexname`;

const CONSTRAINTS = `
  SELECT rel.relname AS table_name, con.conname, con.contype::text, pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con
    JOIN pg_class rel ON rel.oid = con.conrelid
    JOIN pg_namespace ns ON ns.oid = rel.relnamespace
   WHERE ns.nspname = 'public' AND rel.relname <> '_prisma_migrations'
   ORDER BY rel.relname, con.conname`;

const ENUMS = `
  SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)::text AS labels
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace ns ON ns.oid = t.typnamespace
   WHERE ns.nspname = 'public'
   GROUP BY t.typname
   ORDER BY t.typname`;

/** Takes an executor, not a driver, so it can also look inside an open transaction. */
export async function catalogSnapshot(sql: SqlExecutor): Promise<CatalogSnapshot> {
  return {
    columns: await sql.query(COLUMNS),
    indexes: await sql.query(INDEXES),
    constraints: await sql.query(CONSTRAINTS),
    enums: await sql.query(ENUMS),
  };
}
