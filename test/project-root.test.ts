import path from "node:path";
import { findProjectRoot, sourcePath } from "../src/project-root";

const ROOT = findProjectRoot(__dirname);

describe("sourcePath: files kept beside a module's code", () => {
  it("maps a compiled folder under dist/ back to the source folder (tsc copies no .graphql or .sql)", () => {
    expect(sourcePath(path.join(ROOT, "dist", "src", "modules", "projects"), "migrations")).toBe(
      path.join(ROOT, "src", "modules", "projects", "migrations"),
    );
  });

  it("leaves source folders, and folders merely starting with dist, alone", () => {
    expect(sourcePath(path.join(ROOT, "src", "graphql"), "base.graphql")).toBe(path.join(ROOT, "src", "graphql", "base.graphql"));
    expect(sourcePath(path.join(ROOT, "distant", "x"), "y")).toBe(path.join(ROOT, "distant", "x", "y"));
  });
});
