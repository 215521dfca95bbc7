import { readFileSync } from "node:fs";
import { sourcePath } from "../project-root";

/**
 * Reads an SDL file kept beside the code that calls this (`readSdl(__dirname, "x.graphql")`),
 * from the source folder when running compiled code (see `sourcePath`).
 */
export function readSdl(dirname: string, file: string): string {
  return readFileSync(sourcePath(dirname, file), "utf8");
}
