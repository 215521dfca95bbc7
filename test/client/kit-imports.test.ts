import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { findProjectRoot } from "../../src/project-root";

const ROOT = findProjectRoot(__dirname);
const KIT = path.join(ROOT, "src", "client");

/**
 * What each entry point of the kit may load besides its own files. The core loads no package at
 * all; each integration only its client library, which the app has installed (optional peers).
 */
const PACKAGES_ALLOWED: Record<string, readonly string[]> = {
  "apollo.ts": ["@apollo/client", "rxjs"],
  "urql.ts": ["@urql/core", "wonka"],
  "ws.ts": ["graphql-ws"],
  "sink-iterator.ts": ["graphql-ws"],
};

function kitFiles(dir = KIT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? kitFiles(path.join(dir, entry.name)) : entry.name.endsWith(".ts") ? [path.join(dir, entry.name)] : [],
  );
}

/** Every module specifier of a file: imports, re-exports, import types, dynamic imports and requires. */
function specifiers(file: string): string[] {
  const found = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((ref) => ref.fileName);
  return [...new Set(found)];
}

const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

describe("the client kit loads nothing of the server", () => {
  const files = kitFiles();

  it("has files to check", () => {
    expect(files.map((f) => path.relative(KIT, f))).toEqual(expect.arrayContaining(["index.ts", "auth-session.ts"]));
  });

  it.each(files.map((f) => [path.relative(KIT, f), f]))("%s imports only its own kit files and its allowed client library", (name, file) => {
    const allowed = PACKAGES_ALLOWED[name] ?? [];
    const offending = specifiers(file).filter((specifier) => {
      if (specifier.startsWith(".")) return !path.resolve(path.dirname(file), specifier).startsWith(KIT + path.sep);
      return !allowed.includes(packageOf(specifier));
    });
    expect(offending).toEqual([]);
  });

  it("the core imports none of the integrations, so it loads without @apollo/client, urql or graphql-ws", () => {
    const integrations = new Set(Object.keys(PACKAGES_ALLOWED));
    const reach = new Set<string>();
    const visit = (file: string) => {
      if (reach.has(file)) return;
      reach.add(file);
      for (const specifier of specifiers(file).filter((s) => s.startsWith("."))) visit(path.resolve(path.dirname(file), specifier) + ".ts");
    };
    visit(path.join(KIT, "index.ts"));
    expect([...reach].map((f) => path.basename(f)).filter((name) => integrations.has(name))).toEqual([]);
  });

  it("every package an integration loads is an optional peer dependency of this package", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    for (const name of new Set(Object.values(PACKAGES_ALLOWED).flat())) {
      expect([name, pkg.peerDependencies?.[name]]).toEqual([name, expect.any(String)]);
      expect([name, pkg.peerDependenciesMeta?.[name]?.optional]).toEqual([name, true]);
    }
  });
});

describe("the checker itself", () => {
  it("sees every kind of module reference", () => {
    const source = `import a from "node:fs"; export * from "../auth"; import type { X } from "fastify"; const p = import("pg"); const q = require("argon2");`;
    expect(ts.preProcessFile(source, true, true).importedFiles.map((ref) => ref.fileName)).toEqual(["node:fs", "../auth", "fastify", "pg", "argon2"]);
  });
});
