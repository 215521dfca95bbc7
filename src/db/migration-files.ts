import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface MigrationFile {
  name: string;
  /** The migration.sql this came from, for messages. */
  path: string;
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
    path: file,
    sql,
    checksum: sha256Hex(bytes),
    alternateChecksum: sha256Hex(swapLineEndings(sql)),
  };
}

/**
 * The migrations of several folders (the core's and each module's) as one list in name order.
 * Names are the identity recorded in `_prisma_migrations`, so two folders may not share one.
 */
export async function readAllMigrationFiles(dirs: readonly string[]): Promise<MigrationFile[]> {
  const files = (await Promise.all(dirs.map((dir) => readMigrationFiles(dir)))).flat();
  const seen = new Map<string, string>();
  for (const file of files) {
    const other = seen.get(file.name);
    if (other) throw new Error(`Migration name "${file.name}" is used twice: ${other} and ${file.path}. Rename one (a new timestamp).`);
    seen.set(file.name, file.path);
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
