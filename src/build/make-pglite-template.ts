/**
 * Run by build-if-stale after compiling (node dist/src/build/make-pglite-template.js): writes the
 * fresh-directory template for the installed PGlite release, as a tarball and as a directory, when
 * either is missing (see
 * src/db/pglite-template.ts). A failure only costs fresh starts their speed, so it warns and exits 0.
 */
import { existsSync } from "node:fs";
import { pgliteTemplatePath, writePgliteTemplate } from "../db/pglite-template";
import { existingPgliteTemplateDir, writePgliteTemplateDir } from "../db/pglite-template-dir";

async function main(): Promise<void> {
  const file = pgliteTemplatePath();
  if (!existsSync(file)) await writePgliteTemplate(file);
  if (existingPgliteTemplateDir() === null) await writePgliteTemplateDir(file);
}

main().catch((error: unknown) => {
  // Without the directory, fresh directories load the tarball; without the tarball too, they run initdb.
  process.stderr.write(`warning: the PGlite template was not written whole (fresh embedded directories will start slower): ${String(error)}\n`);
});
