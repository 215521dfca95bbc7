import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderEnvExample } from "./config";
import { findProjectRoot } from "./project-root";

/**
 * `npm run env:example` writes .env.example from the configuration catalog; `npm run env:example
 * -- --check` (CI) fails when the committed file differs from what the catalog prints.
 */
function main(): void {
  const file = path.join(findProjectRoot(), ".env.example");
  const printed = renderEnvExample();
  if (!process.argv.includes("--check")) {
    writeFileSync(file, printed);
    process.stdout.write(`Wrote ${file}\n`);
    return;
  }
  if (!existsSync(file) || readFileSync(file, "utf8") !== printed) {
    process.stderr.write(".env.example is stale: run `npm run env:example` and commit the result.\n");
    process.exitCode = 1;
  }
}

main();
