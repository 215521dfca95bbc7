import type { Command } from "commander";
import { AuthError } from "../../src/auth";
import { buildProgram, runCli } from "../../src/cli/program";
import { ConfigError } from "../../src/config";
import { DataDirInUseError } from "../../src/db";
import { fakeContext } from "./fake-context";

/** Every command path of the program ("users list", "keys", …), the implicit `help` commands aside. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands
    .filter((sub) => sub.name() !== "help")
    .flatMap((sub) => [[...prefix, sub.name()], ...commandPaths(sub, [...prefix, sub.name()])]);
}

const PATHS = commandPaths(buildProgram(fakeContext().ctx));

describe("the command line", () => {
  it("has the commands of the issue", () => {
    expect(PATHS.map((p) => p.join(" "))).toEqual(
      expect.arrayContaining(["users list", "keys list", "keys rotate", "keys revoke", "db migrate", "db status", "audit tail"]),
    );
  });

  it.each([[[]], ...PATHS.map((p) => [p])])("%j --help prints its usage on stdout and exits 0, opening nothing", async (path) => {
    const fake = fakeContext();
    expect(await runCli([...path, "--help"], fake.ctx)).toBe(0);
    expect(fake.stdout()).toMatch(new RegExp(`^Usage: auth-server ${path.join(" ")}`.replace(/ +$/, "")));
    expect(fake.stderr()).toBe("");
    expect(fake.opened()).toBe(0);
  });

  it("answers `help <command>` too", async () => {
    const fake = fakeContext();
    expect(await runCli(["audit", "help", "tail"], fake.ctx)).toBe(0);
    expect(fake.stdout()).toMatch(/^Usage: auth-server audit tail \[options\]/);
    expect(fake.stdout()).toMatch(/Event types: signup, login_succeeded, /);
  });

  it.each([
    [[], /^Usage: auth-server <command> \[options\]/],
    [["nothing"], /^error: unknown command 'nothing'\n\nUsage: auth-server <command>/],
    [["users"], /^Usage: auth-server users \[options\] \[command\]/],
    [["users", "list", "--yaml"], /^error: unknown option '--yaml'\n\nUsage: auth-server users list/],
    [["users", "list", "extra"], /^error: too many arguments for 'list'/],
    [["keys", "shred"], /^error: unknown command 'shred'\n\nUsage: auth-server keys/],
    [["keys", "rotate", "now"], /^error: too many arguments for 'rotate'/],
    [["keys", "revoke"], /^error: missing required argument 'kid'\n\nUsage: auth-server keys revoke/],
    [["keys", "revoke", "a", "b"], /^error: too many arguments for 'revoke'/],
    [["db", "status", "--yaml"], /^error: unknown option '--yaml'/],
    [["audit", "tail", "--limit", "0"], /^error: option '--limit <n>' argument '0' is invalid\. expected a whole number from 1 to 100\./],
    [["audit", "tail", "--limit", "101"], /argument '101' is invalid/],
    [["audit", "tail", "--limit", "2x"], /argument '2x' is invalid/],
    [["audit", "tail", "--type", "nope"], /^error: option '--type <type>' argument 'nope' is invalid\. not an audit event type; one of signup, /],
    [["audit", "tail", "--type"], /^error: option '--type <type>' argument missing/],
  ])("%j is a usage error: exit 2, the usage on stderr, nothing opened", async (argv, message) => {
    const fake = fakeContext();
    expect(await runCli(argv, fake.ctx)).toBe(2);
    expect(fake.stderr()).toMatch(message);
    expect(fake.stderr()).toMatch(/Usage: auth-server/);
    expect(fake.stdout()).toBe("");
    expect(fake.opened()).toBe(0);
  });
});

describe("failures, in one line on stderr", () => {
  const failing = (error: Error) => fakeContext({ openCore: () => Promise.reject(error) });

  it("an embedded directory held by a running server exits 2 (nothing was attempted)", async () => {
    const fake = failing(new DataDirInUseError("/data/db", "/data/db.lock", { pid: 4242, hostname: "here" }, true, "pglite:/data/db"));
    expect(await runCli(["keys", "list"], fake.ctx)).toBe(2);
    expect(fake.stderr()).toBe(
      "Database directory /data/db is in use by process 4242 (DATABASE_URL=pglite:/data/db); stop that process or point DATABASE_URL elsewhere. " +
        "The running server owns the embedded database: stop it first, or use its admin GraphQL API.\n",
    );
  });

  it.each([
    ["a refusal of the core", new AuthError("BAD_USER_INPUT", "No signing key has this kid."), "Refused: No signing key has this kid.\n"],
    ["a refusal with a delay", new AuthError("TOO_MANY_REQUESTS", "Too early.", { retryAfter: 30 }), "Refused: Too early. (retry in 30 s)\n"],
    ["bad configuration", new ConfigError("JWT_SECRET", "too short"), "Invalid configuration: JWT_SECRET: too short\n"],
    ["anything else (first line only)", new Error("connect ECONNREFUSED 127.0.0.1:5432\n    at stack"), "Failed: connect ECONNREFUSED 127.0.0.1:5432\n"],
  ])("%s exits 1", async (_name, error, line) => {
    const fake = failing(error);
    expect(await runCli(["users", "list"], fake.ctx)).toBe(1);
    expect(fake.stderr()).toBe(line);
  });
});
