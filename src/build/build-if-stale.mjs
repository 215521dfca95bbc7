// Compiles src/ into dist/ only when a source changed since the last build, so `npm start` on a
// current build starts the server at once instead of spending 5-15 s in tsc. Plain JavaScript:
// it runs before anything is compiled. Usage: node src/build/build-if-stale.mjs [--quiet]
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const stampPath = join(root, "dist", ".build-stamp");
const quiet = process.argv.includes("--quiet");

/**
 * Every input of the build: what tsc reads from src/ and the compiler settings, and the installed
 * PGlite release (the fresh-directory template written below depends on it).
 */
function inputs() {
  const files = ["tsconfig.json", "tsconfig.build.json", "node_modules/@electric-sql/pglite/package.json"]
    .map((name) => join(root, name))
    .filter((file) => existsSync(file));
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json|graphql|prisma)$/.test(entry.name)) files.push(path);
    }
  };
  walk(join(root, "src"));
  return files.sort();
}

/** Path, size and modification time of every input: an edit, an addition or a deletion changes it. */
function fingerprint() {
  const hash = createHash("sha256");
  for (const file of inputs()) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(root, file)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest("hex");
}

const current = fingerprint();
const built = existsSync(stampPath) ? readFileSync(stampPath, "utf8").trim() : null;
if (built === current && existsSync(join(root, "dist", "src", "main.js"))) process.exit(0);

if (!quiet) process.stderr.write(built === null ? "Building (first run)…\n" : "Building (sources changed since the last build)…\n");
// dist/ is not emptied first: a running server or CLI may be loading from it. JavaScript left by a
// deleted source is unreachable (nothing compiled imports it; tsc would have refused).
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
} catch {
  process.exit(1);
}
// The client kit's ESM bundle for browsers' bundlers (package.json's build:client-esm), when there is one.
const manifest = join(root, "package.json");
if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).scripts?.["build:client-esm"]) {
  try {
    execFileSync("npm", ["run", "--silent", "build:client-esm"], { cwd: root, stdio: "inherit" });
  } catch {
    process.exit(1);
  }
}
// A fresh embedded database directory starts from initdb's output for this PGlite release
// (src/db/pglite-template.ts): written once here, ~4 s, instead of at every fresh start.
const template = join(root, "dist", "src", "build", "make-pglite-template.js");
try {
  if (existsSync(template)) execFileSync(process.execPath, [template], { cwd: root, stdio: "inherit" });
} catch {
  // Killed (out of memory, say): a fresh directory then runs initdb, slower but the same.
  process.stderr.write("warning: the PGlite template could not be written; fresh embedded directories will run initdb\n");
}
writeFileSync(stampPath, `${current}\n`);
