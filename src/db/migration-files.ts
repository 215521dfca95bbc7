import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file bytes, exactly what `prisma migrate` stores in `_prisma_migrations`. */
  checksum: string;
  /** The same script with the other line-ending convention, as Prisma also accepts. */
  alternateChecksum: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function swapLineEndings(text: string): string {
  return text.includes("\r\n") ? text.replace(/\r\n/g, "\n") : text.replace(/\n/g, "\r\n");
}

/** Migration folders in name order (their timestamp prefix makes that chronological, as in Prisma). */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new Error(`Cannot read migrations directory ${dir}: ${(error as Error).message}`);
  }
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(names.map((name) => readMigration(dir, name)));
}

async function readMigration(dir: string, name: string): Promise<MigrationFile> {
  const file = path.join(dir, name, "migration.sql");
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new Error(`Migration "${name}" has no readable migration.sql (${(error as Error).message}).`);
  }
  const sql = bytes.toString("utf8");
  return {
    name,
    sql,
    checksum: sha256Hex(bytes),
    alternateChecksum: sha256Hex(swapLineEndings(sql)),
  };
}
