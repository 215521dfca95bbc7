import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { findProjectRoot } from "../project-root";

/*
 * A fresh embedded data directory starts from a template instead of running initdb: PGlite's
 * initdb takes ~4 s of WebAssembly on the main thread and leaves ~800 MB resident, while loading
 * the same directory from a tarball takes ~1.4 s and ~290 MB (measured on this project's 2-core
 * machine). The template is initdb's output and nothing else (the migrations still run on it), so
 * it depends only on the PGlite release; the build writes it once per release (build-if-stale).
 *
 * The build writes it twice: as a tarball, which an in-memory database loads, and as a data
 * directory PGlite has already opened and closed, which PGlite's thread copies into a fresh
 * directory on disk before it starts (pglite-template-dir.ts, pglite-thread/copy-template.cjs).
 * Loading the tarball goes through PostgreSQL's WebAssembly file system and cost a fresh start
 * about 0.9 s of its 1.6 s to ready; the copy takes about 0.15 s, on the database's thread while
 * the server's modules load.
 */

/** dist/pglite-template/<PGlite version>.tar.gz in this project. */
export function pgliteTemplatePath(): string {
  return path.join(findProjectRoot(__dirname), "dist", "pglite-template", `${pgliteVersion()}.tar.gz`);
}

/** The template's bytes (PGlite's `loadDataDir` takes them as a Blob), or null when the build has not written one. */
export async function readPgliteTemplate(): Promise<ArrayBuffer | null> {
  const file = pgliteTemplatePath();
  if (!existsSync(file)) return null;
  const bytes = await readFile(file);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/** Runs initdb in memory and stores its data directory; written whole (renamed into place) or not at all. */
export async function writePgliteTemplate(file: string = pgliteTemplatePath()): Promise<void> {
  const pglite = new PGlite();
  try {
    await pglite.waitReady;
    const dump = await pglite.dumpDataDir("gzip");
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await pglite.close();
  }
}

/** The installed PGlite's version, from its package.json (the package exports no such subpath). */
export function pgliteVersion(): string {
  let dir = path.dirname(createRequire(__filename).resolve("@electric-sql/pglite"));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && path.basename(dir) === "pglite") return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("@electric-sql/pglite's package.json not found");
    dir = parent;
  }
}
