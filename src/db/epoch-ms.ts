import { Prisma } from "./generated/prisma/client";

/**
 * Raw SELECTs return timestamps as epoch milliseconds, never as timestamptz: pglite-prisma-adapter
 * strips the UTC offset from timestamptz text and $queryRaw then parses it in the *host's* time
 * zone (with TZ=Asia/Kolkata every raw Date came back 5.5 h early). Numbers are zone-free on every
 * adapter. Columns are timestamptz(3), so milliseconds are exact; float8 reaches JS as a number.
 */
export function epochMs(column: string): Prisma.Sql {
  return Prisma.raw(`(extract(epoch FROM ${column}) * 1000)::float8`);
}

export function fromEpochMs(ms: number): Date;
export function fromEpochMs(ms: number | null): Date | null;
export function fromEpochMs(ms: number | null): Date | null {
  return ms === null ? null : new Date(ms);
}
