import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The folder holding package.json, found by walking up from `start`. This works the same from
 * src/ (tsx, jest) and from dist/src/ (compiled), where a fixed "../.." would differ.
 */
export function findProjectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json found in ${start} or any parent folder.`);
    dir = parent;
  }
}

export function defaultMigrationsDir(): string {
  return path.join(findProjectRoot(), "prisma", "migrations");
}
