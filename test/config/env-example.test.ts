import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseEnv } from "node:util";
import { ENV_CATALOG, type EnvVariable, loadCliPassword, loadConfig, renderEnvExample } from "../../src/config";
import { findProjectRoot } from "../../src/project-root";

const committed = () => readFileSync(path.join(findProjectRoot(), ".env.example"), "utf8");

/** .env.example with every `# NAME=…` line uncommented, as someone copying it to .env would. */
const uncommented = (text: string) => text.replace(/^# ([A-Z][A-Z0-9_]*=)/gm, "$1");

/** What `set -a; . ./.env; set +a` (the file header's advice) exports, in a shell with nothing else. */
function sourcedByShell(text: string): Record<string, string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "auth-env-")), ".env");
  writeFileSync(file, text);
  const out = execFileSync("sh", ["-c", 'set -a; . "$1"; set +a; env -0', "sh", file], { env: {}, encoding: "utf8" });
  return Object.fromEntries(out.split("\0").filter(Boolean).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

function expectedValues(catalog: readonly EnvVariable[]): Record<string, string> {
  return Object.fromEntries(catalog.map((variable) => [variable.name, variable.value ?? ""]));
}

describe(".env.example", () => {
  it("is exactly what the catalog prints (run `npm run env:example` after changing src/config/catalog.ts)", () => {
    expect(committed()).toBe(renderEnvExample());
  });

  it("sets nothing as it stands: every line is a comment or blank", () => {
    expect(committed().split("\n").filter((line) => line !== "" && !line.startsWith("#"))).toEqual([]);
  });

  it("uncommented, gives every variable its catalog value under node --env-file and under the shell", () => {
    const text = uncommented(committed());
    expect(parseEnv(text)).toEqual(expectedValues(ENV_CATALOG));
    const sourced = sourcedByShell(text);
    expect(Object.fromEntries(ENV_CATALOG.map(({ name }) => [name, sourced[name]]))).toEqual(expectedValues(ENV_CATALOG));
  });

  it("uncommented whole, configures the server exactly as no file does", () => {
    // A secret of one's own, as the file asks for in production; nothing is generated in the checkout.
    const own = { JWT_SECRET: "s".repeat(32) };
    const fromFile = { ...parseEnv(uncommented(committed())), ...own };
    expect(loadConfig(fromFile)).toEqual(loadConfig(own));
    expect(loadCliPassword(fromFile)).toBe(loadCliPassword(own));
  });

  it("quotes values that a shell or Node would otherwise change", () => {
    const tricky: EnvVariable = { name: "TRICKY", group: "Server", default: "…", value: 'An "App" <a@b.c> $HOME `id` # not a comment', meaning: "A test." };
    const text = uncommented(renderEnvExample([tricky]));
    expect(parseEnv(text)).toEqual(expectedValues([tricky]));
    expect(sourcedByShell(text).TRICKY).toBe(tricky.value);
  });

  it("refuses a value it cannot quote for both readers", () => {
    expect(() => renderEnvExample([{ name: "BAD", group: "Server", default: "…", value: "it's", meaning: "A test." }])).toThrow(/cannot quote/);
  });
});
