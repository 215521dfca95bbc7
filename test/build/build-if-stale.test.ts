import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findProjectRoot } from "../../src/project-root";

const ROOT = findProjectRoot(__dirname);

/** A tiny project laid out like this one, with the real script and compiler. */
function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "build-if-stale-"));
  mkdirSync(join(dir, "src", "build"), { recursive: true });
  copyFileSync(join(ROOT, "src", "build", "build-if-stale.mjs"), join(dir, "src", "build", "build-if-stale.mjs"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", outDir: "dist", rootDir: ".", types: [] }, include: ["src"] }));
  writeFileSync(join(dir, "tsconfig.build.json"), JSON.stringify({ extends: "./tsconfig.json", include: ["src"] }));
  writeFileSync(join(dir, "src", "main.ts"), 'export const answer: number = 42;\n');
  return dir;
}

/** Runs the script: its exit status and what it said on stderr (nothing when the build was current). */
function run(dir: string): { status: number | null; said: string } {
  const result = spawnSync(process.execPath, [join(dir, "src", "build", "build-if-stale.mjs")], { cwd: dir, encoding: "utf8" });
  return { status: result.status, said: result.stderr.trim() };
}

function buildSaying(dir: string): string {
  const { status, said } = run(dir);
  if (status !== 0) throw new Error(`build failed: ${said}`);
  return said;
}

describe("build only when stale (npm start, npm run cli)", () => {
  let dir: string;
  beforeAll(() => {
    dir = scratchProject();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("builds the first time, then not again until a source is edited, added or deleted", () => {
    expect(buildSaying(dir)).toBe("Building (first run)…");
    expect(readFileSync(join(dir, "dist", "src", "main.js"), "utf8")).toContain("42");
    expect(buildSaying(dir)).toBe("");

    writeFileSync(join(dir, "src", "main.ts"), 'export const answer: number = 43;\n');
    // Same size, later mtime: still an edit.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, "src", "main.ts"), later, later);
    expect(buildSaying(dir)).toBe("Building (sources changed since the last build)…");
    expect(readFileSync(join(dir, "dist", "src", "main.js"), "utf8")).toContain("43");
    expect(buildSaying(dir)).toBe("");

    writeFileSync(join(dir, "src", "extra.ts"), "export const extra = 1;\n");
    expect(buildSaying(dir)).toMatch(/^Building/);
    expect(existsSync(join(dir, "dist", "src", "extra.js"))).toBe(true);
    rmSync(join(dir, "src", "extra.ts"));
    expect(buildSaying(dir)).toMatch(/^Building/);
    expect(buildSaying(dir)).toBe("");
  });

  it("rebuilds when the output is gone even though the stamp matches", () => {
    rmSync(join(dir, "dist", "src", "main.js"));
    expect(buildSaying(dir)).toMatch(/^Building/);
  });

  it("fails with the compiler, and keeps trying until the sources compile (a failed build never counts as current)", () => {
    writeFileSync(join(dir, "src", "broken.ts"), "export const broken: number = 'no';\n");
    expect(run(dir)).toEqual({ status: 1, said: expect.stringMatching(/^Building/) });
    expect(run(dir)).toEqual({ status: 1, said: expect.stringMatching(/^Building/) });
    writeFileSync(join(dir, "src", "broken.ts"), "export const broken: number = 1;\n");
    expect(buildSaying(dir)).toMatch(/^Building/);
    expect(buildSaying(dir)).toBe("");
  });
});
