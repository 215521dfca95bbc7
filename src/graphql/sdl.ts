import { readFileSync } from "node:fs";
import path from "node:path";
import { findProjectRoot } from "../project-root";

/**
 * Reads an SDL file kept beside the code that calls this (`readSdl(__dirname, "x.graphql")`).
 * Compiled code runs from dist/, where tsc copies no .graphql files: the source folder is read.
 */
export function readSdl(dirname: string, file: string): string {
  const root = findProjectRoot(dirname);
  const relative = path.relative(root, dirname);
  const source = relative.split(path.sep)[0] === "dist" ? path.join(root, path.relative(path.join(root, "dist"), dirname)) : dirname;
  return readFileSync(path.join(source, file), "utf8");
}
