import { existsSync, readdirSync } from "node:fs";
import { chmod, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { findProjectRoot } from "../project-root";
import { pgliteTemplatePath, pgliteVersion } from "./pglite-template";

/*
 * The template as a data directory (see pglite-template.ts): PGlite's thread copies it into a
 * fresh directory on disk (pglite-thread/copy-template.cjs), which then starts as an existing one.
 */

/** dist/pglite-template/<PGlite version>/. */
export function pgliteTemplateDir(): string {
  return path.join(findProjectRoot(__dirname), "dist", "pglite-template", pgliteVersion());
}

/** The template directory when the build has written it whole, else null. */
export function existingPgliteTemplateDir(dir: string = pgliteTemplateDir()): string | null {
  return existsSync(path.join(dir, "PG_VERSION")) ? dir : null;
}

/**
 * Opens a directory from the tarball and closes it, so that the directory is what a fresh start
 * would have left on disk; written whole (renamed into place) or not at all.
 */
export async function writePgliteTemplateDir(tarball: string = pgliteTemplatePath(), dir: string = pgliteTemplateDir()): Promise<void> {
  await removeAbandonedPartials(dir);
  const bytes = await readFile(tarball);
  const partial = `${dir}.${process.pid}.partial`;
  await rm(partial, { recursive: true, force: true });
  try {
    const pglite = new PGlite(partial, { loadDataDir: new Blob([bytes]) });
    try {
      await pglite.waitReady;
    } finally {
      await pglite.close();
    }
    // The build's user is often not the server's (npm ci as root, the service as its own user):
    // every server must be able to read it. It is initdb's output and holds nothing secret; each
    // copy is made private (pglite-thread/copy-template.cjs).
    await makeReadableByAll(partial);
    // Not a template (it has no PG_VERSION): left by something other than this function, which
    // only ever renames a whole one into place. In the way, it would fail every build.
    if (existsSync(dir) && existingPgliteTemplateDir(dir) === null) await rm(dir, { recursive: true, force: true });
    try {
      await rename(partial, dir);
    } catch (error) {
      // Another build wrote it meanwhile: theirs is the same template.
      if (existingPgliteTemplateDir(dir) === null) throw error;
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

/** Directories 0755, files 0644. */
async function makeReadableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeReadableByAll(entryPath);
    else await chmod(entryPath, 0o644);
  }
}

/**
 * Partial directories of builds that died before renaming theirs (39 MB each): named by their
 * process id, so one whose process is gone is nobody's. One whose process lives is left alone.
 */
async function removeAbandonedPartials(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  if (!existsSync(parent)) return;
  const prefix = `${path.basename(dir)}.`;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)\.partial$/.exec(name.slice(prefix.length))?.[1] ?? Number.NaN);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    await rm(path.join(parent, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
