import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** Works from src/ (tsx, jest) and from dist/src/ (compiled): the nearest folder with package.json. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${from}`);
    dir = parent;
  }
  return dir;
}
