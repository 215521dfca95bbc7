// Used by worker.cjs, on PGlite's thread, before PGlite opens a fresh data directory (see
// src/db/pglite-template-dir.ts). Plain CommonJS, as the worker is.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/**
 * Copies the template directory into a fresh data directory, on PGlite's thread so that the
 * server's thread goes on loading its modules meanwhile. The copy is private to this process's user
 * (directories 0700, files 0600, as PostgreSQL keeps its own), whatever the template's modes;
 * files PGlite creates later have its own modes.
 * PG_VERSION is what makes a directory count as started (open-pglite.ts), so it is copied last:
 * a copy cut short by a killed process or a full disk leaves a directory that is still fresh, and
 * the next start copies the template over it again. Nothing is synced to disk here, so a power
 * loss right after a fresh start is not covered (loading the tarball was not either).
 */
function copyTemplate(templateDir, dataDir) {
  const copyFile = (from, to) => {
    fs.copyFileSync(from, to);
    fs.chmodSync(to, 0o600);
  };
  const copyDir = (from, to, skip) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      if (entry.name === skip) continue;
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (!entry.isDirectory()) copyFile(source, target);
      else {
        fs.mkdirSync(target, { recursive: true });
        fs.chmodSync(target, 0o700);
        copyDir(source, target, null);
      }
    }
  };
  // The caller may hand over a directory that does not exist yet (ThreadedPGlite, unlike openPglite,
  // creates none): without this, the copy would work only while readdir happened to list a
  // directory before the first file.
  fs.mkdirSync(dataDir, { recursive: true });
  copyDir(templateDir, dataDir, "PG_VERSION");
  copyFile(path.join(templateDir, "PG_VERSION"), path.join(dataDir, "PG_VERSION"));
}

module.exports = { copyTemplate };
