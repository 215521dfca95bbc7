import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";

const ROOT = findProjectRoot(__dirname);
const FIXTURE = path.join(ROOT, "test", "fixtures", "projects");

/** Each code block the guide introduces with a bold `src/modules/projects/<file>` line. */
function shownFiles(): Array<{ file: string; code: string }> {
  const doc = readFileSync(path.join(ROOT, "docs", "extending.md"), "utf8");
  const shown = /^\*\*`src\/modules\/projects\/([^`]+)`\*\*\n\n```\w*\n([\s\S]*?)\n```$/gm;
  return [...doc.matchAll(shown)].map((match) => ({ file: match[1] ?? "", code: match[2] ?? "" }));
}

/** The fixture file the guide shows, as it would read in src/modules/projects. */
function asInSrc(file: string): string {
  const [migration] = readdirSync(path.join(FIXTURE, "migrations"));
  const fixturePath = path.join(FIXTURE, file.replace("<timestamp>_projects", migration ?? ""));
  return readFileSync(fixturePath, "utf8").replaceAll('"../../../src/', '"../../').replace(/\n$/, "");
}

describe("docs/extending.md", () => {
  it("shows the projects fixture file for file (import paths aside), so the guide is code that runs", () => {
    const files = shownFiles();
    expect(files.map((shown) => shown.file).sort()).toEqual([
      "index.ts",
      "migrations/<timestamp>_projects/migration.sql",
      "prisma-project-store.ts",
      "project-name.ts",
      "project-store.ts",
      "projects.graphql",
      "projects.prisma",
      "resolvers.ts",
    ]);
    for (const { file, code } of files) expect([file, code]).toEqual([file, asInSrc(file)]);
  });
});
