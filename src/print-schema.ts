import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildSchema } from "./graphql";
import { printPublishedSchema } from "./graphql/published-schema";
import { MODULES } from "./modules";
import { findProjectRoot } from "./project-root";

/**
 * `npm run schema` writes schema.graphql from the registered modules; `npm run schema -- --check`
 * (CI) fails when the committed file differs from what the modules print.
 */
function main(): void {
  const file = path.join(findProjectRoot(), "schema.graphql");
  const printed = printPublishedSchema(buildSchema(MODULES));
  if (!process.argv.includes("--check")) {
    writeFileSync(file, printed);
    process.stdout.write(`Wrote ${file}\n`);
    return;
  }
  if (readFileSync(file, "utf8") !== printed) {
    process.stderr.write("schema.graphql is stale: run `npm run schema` and commit the result.\n");
    process.exitCode = 1;
  }
}

main();
