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

/**
 * `path.join(dirname, ...parts)` in the source tree, for files kept beside a module's code (SDL,
 * migrations): compiled code runs from dist/, where tsc copies no .graphql or .sql files, so a
 * `dirname` under dist/ is mapped back to the source folder it was compiled from.
 */
export function sourcePath(dirname: string, ...parts: string[]): string {
  const root = findProjectRoot(dirname);
  const relative = path.relative(root, dirname);
  const source = relative.split(path.sep)[0] === "dist" ? path.join(root, path.relative(path.join(root, "dist"), dirname)) : dirname;
  return path.join(source, ...parts);
}

export function defaultMigrationsDir(): string {
  return path.join(findProjectRoot(), "prisma", "migrations");
}
