import { readFileSync } from "node:fs";
import path from "node:path";
import { ENV_CATALOG } from "../../src/config";
import { findProjectRoot } from "../../src/project-root";

/**
 * Catalog variables the README's Configuration table does not list yet. Only shrink this: once
 * the README gains a row for one, the last test below asks for its removal here.
 */
const KNOWN_GAPS: string[] = [];

/**
 * The variables named in the first column of README.md's Configuration table. A row may name
 * several (`ARGON2_MEMORY_COST`, `ARGON2_TIME_COST`) and abbreviate a suffixed one
 * (`RATE_LIMIT_LOGIN_IP`, `…_WINDOW` is RATE_LIMIT_LOGIN_IP_WINDOW).
 */
function documented(): Set<string> {
  const readme = readFileSync(path.join(findProjectRoot(__dirname), "README.md"), "utf8");
  const section = /^## Configuration\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
  const names = new Set<string>();
  for (const row of section.split("\n").filter((line) => line.startsWith("| `"))) {
    let previous = "";
    for (const [, name, suffix] of (row.split("|")[1] ?? "").matchAll(/`(?:([A-Z][A-Z0-9_]*)|…(_[A-Z0-9_]+))`/g)) {
      if (name) previous = name;
      names.add(name ?? `${previous}${suffix}`);
    }
  }
  return names;
}

const catalog = ENV_CATALOG.map((variable) => variable.name);

describe("README.md, Configuration", () => {
  it("lists every variable of the catalog (src/config/catalog.ts)", () => {
    const listed = documented();
    expect(catalog.filter((name) => !listed.has(name) && !KNOWN_GAPS.includes(name))).toEqual([]);
  });

  it("lists no variable the server does not read", () => {
    expect([...documented()].filter((name) => !catalog.includes(name))).toEqual([]);
  });

  it("still lacks each known gap (remove a gap from KNOWN_GAPS once the README lists it)", () => {
    const listed = documented();
    expect(KNOWN_GAPS.filter((name) => listed.has(name) || !catalog.includes(name))).toEqual([]);
  });
});
