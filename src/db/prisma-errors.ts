import { Prisma } from "./generated/prisma/client";

/**
 * Whether `error` is a unique violation of `constraint` (on `column`). The two adapters report it
 * differently: for a model query @prisma/adapter-pg maps SQLSTATE 23505 to a
 * PrismaClientKnownRequestError P2002 naming the fields, while pglite-prisma-adapter passes a raw
 * DriverAdapterError of kind "postgres" whose message names the constraint. A failed raw query is
 * a P2010 on both, carrying the adapter's error (either shape) in its meta. A statement run on the
 * driver itself (hot-sql.ts) fails with the driver's own error: SQLSTATE 23505 with the constraint
 * named (pg) or in the message (PGlite). All are matched by name, so a duplicate primary key is
 * never mistaken for a duplicate email.
 */
export function isUniqueViolation(error: unknown, constraint: string, column: string): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") return p2002Names(error.meta).some((n) => n === column || n === constraint);
    const cause = asRecord(asRecord(error.meta?.driverAdapterError)?.cause);
    return error.code === "P2010" && isUniqueCause(cause, constraint, column);
  }
  const driver = asRecord(error);
  if (driver?.code === "23505" && typeof driver.severity === "string") {
    return driver.constraint === constraint || String(driver.message).includes(`"${constraint}"`);
  }
  return isUniqueCause(driverAdapterCause(error), constraint, column);
}

/** A DriverAdapterError's cause: PGlite passes PostgreSQL's error through, adapter-pg classifies it. */
function isUniqueCause(cause: Loose, constraint: string, column: string): boolean {
  if (cause?.kind === "postgres") return cause.code === "23505" && String(cause.message).includes(`"${constraint}"`);
  if (cause?.kind !== "UniqueConstraintViolation") return false;
  const fields = asRecord(cause.constraint)?.fields;
  return String(cause.originalMessage).includes(`"${constraint}"`) || (Array.isArray(fields) && fields.length === 1 && fields[0] === column);
}

type Loose = Record<string, unknown> | undefined;

function asRecord(value: unknown): Loose {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** P2002 has carried its target as meta.target (engines) or the adapter's constraint (client engine). */
function p2002Names(meta: Loose): string[] {
  const target = meta?.target;
  const constraint = asRecord(asRecord(asRecord(meta?.driverAdapterError)?.cause)?.constraint);
  const names: unknown[] = [
    ...(Array.isArray(target) ? target : [target]),
    ...(Array.isArray(constraint?.fields) ? constraint.fields : []),
    constraint?.index,
  ];
  return names.filter((n): n is string => typeof n === "string");
}

function driverAdapterCause(error: unknown): Loose {
  const record = asRecord(error);
  return record?.name === "DriverAdapterError" ? asRecord(record.cause) : undefined;
}
