import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import semver from "semver";
import { findProjectRoot } from "../../src/project-root";

const ROOT = findProjectRoot(__dirname);

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;

/**
 * `engines` is a promise: every runtime dependency (what `npm install --omit=dev` puts in a
 * deployment) must run on the oldest Node this package claims, or npm warns EBADENGINE at
 * install and the claim is false. Dev tools are not held to it.
 */
describe("engines", () => {
  it("every runtime dependency supports the oldest Node version package.json promises, and this one", () => {
    const promised = manifest(ROOT).engines?.node;
    expect(promised).toBeDefined();
    const oldest = semver.minVersion(promised ?? "")?.version ?? "";
    const dirs = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").slice(1);
    expect(dirs.length).toBeGreaterThan(100);
    const refused = [...new Set(dirs)].flatMap((dir) => {
      const { name, version, engines } = manifest(dir);
      const range = engines?.node;
      if (!range) return [];
      return semver.satisfies(oldest, range) && semver.satisfies(process.version, range) ? [] : [`${name}@${version} needs node ${range}`];
    });
    expect(refused).toEqual([]);
  });
});
