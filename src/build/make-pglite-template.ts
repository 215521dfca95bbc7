/**
 * Run by build-if-stale after compiling (node dist/src/build/make-pglite-template.js): writes the
 * fresh-directory template for the installed PGlite release, as a tarball and as a directory, when
 * either is missing (see
 * src/db/pglite-template.ts). A failure only costs fresh starts their speed, so it warns and exits 0.
 */
import { existsSync } from "node:fs";
import { existingPgliteTemplateDir, pgliteTemplatePath, writePgliteTemplate, writePgliteTemplateDir } from "../db/pglite-template";

async function main(): Promise<void> {
  const file = pgliteTemplatePath();
  if (!existsSync(file)) await writePgliteTemplate(file);
  if (existingPgliteTemplateDir() === null) await writePgliteTemplateDir(file);
}

main().catch((error: unknown) => {
  process.stderr.write(`warning: no PGlite template was written (fresh embedded directories will run initdb): ${String(error)}\n`);
});
