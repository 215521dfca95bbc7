import type { UserRecord } from "../../src/auth";
import { CLI_ACTOR } from "../../src/cli/context";
import { runCli } from "../../src/cli/program";
import { fakeContext } from "./fake-context";

const T = new Date("2030-01-01T00:00:00Z");
const ALICE: UserRecord = { id: "00000000-0000-4000-8000-00000000000a", email: "alice@example.com", role: "USER", credentialVersion: 3, createdAt: T, emailVerified: false, disabled: false };

/** The admin service as the CLI calls it, recording every call. */
function adminCore(users: UserRecord[] = [ALICE]) {
  const calls: Array<[string, ...unknown[]]> = [];
  const find = (idOrEmail: string) => users.find((u) => u.id === idOrEmail || u.email === idOrEmail) ?? null;
  const admin = {
    findUser: async (idOrEmail: string) => (calls.push(["findUser", idOrEmail]), find(idOrEmail)),
    createUser: async (actor: unknown, input: { email: string; password: string; role: UserRecord["role"] }) => {
      calls.push(["createUser", actor, input]);
      return { ...ALICE, id: "00000000-0000-4000-8000-00000000000b", email: input.email, role: input.role };
    },
    setRole: async (actor: unknown, id: string, role: UserRecord["role"]) => (calls.push(["setRole", actor, id, role]), { ...ALICE, role }),
    disable: async (actor: unknown, id: string) => (calls.push(["disable", actor, id]), { ...ALICE, disabled: true }),
    enable: async (actor: unknown, id: string) => (calls.push(["enable", actor, id]), ALICE),
    revokeSessions: async (actor: unknown, id: string) => (calls.push(["revokeSessions", actor, id]), 2),
    list: async (first: number, after: string | null) => (calls.push(["list", first, after]), after ? [] : users),
  };
  return { core: { auth: { admin } }, calls };
}

describe("users create", () => {
  it.each([
    [["users", "create", "--role", "USER", "--password-stdin"], /^error: required option '--email <email>' not specified/],
    [["users", "create", "--email", "a@example.com", "--password-stdin"], /^error: required option '--role <role>' not specified/],
    [["users", "create", "--email", "a@example.com", "--role", "ROOT", "--password-stdin"], /^error: option '--role <role>' argument 'ROOT' is invalid\. expected USER or ADMIN\./],
    [["users", "create", "--email", "a@example.com", "--role", "USER", "--password", "hunter2"], /^error: unknown option '--password'/],
    [["users", "create", "--email", "a@example.com", "--role", "USER"], /^error: give the password on stdin with --password-stdin, or in the environment as AUTH_CLI_PASSWORD/],
  ])("%j is a usage error (exit 2) before anything is opened", async (argv, message) => {
    const fake = fakeContext();
    expect(await runCli(argv, fake.ctx)).toBe(2);
    expect(fake.stderr()).toMatch(message);
    expect(fake.stderr()).toMatch(/Usage: auth-server users create/);
    expect(fake.opened()).toBe(0);
  });

  it("refuses to read a password from a terminal, which would echo it", async () => {
    const fake = fakeContext({ isTTY: true, stdin: "never read" });
    expect(await runCli(["users", "create", "--email", "a@example.com", "--role", "USER", "--password-stdin"], fake.ctx)).toBe(2);
    expect(fake.stderr()).toMatch(/^error: --password-stdin reads a pipe/);
    expect(fake.opened()).toBe(0);
  });

  it("takes the password from stdin without one trailing newline, as the CLI actor, role in any case", async () => {
    const { core, calls } = adminCore();
    const fake = fakeContext({ core, stdin: "  pass phrase \n\n" });
    expect(await runCli(["users", "create", "--email", "b@example.com", "--role", "admin", "--password-stdin"], fake.ctx)).toBe(0);
    expect(calls).toEqual([["createUser", CLI_ACTOR, { email: "b@example.com", password: "  pass phrase \n", role: "ADMIN" }]]);
    expect(fake.stdout()).toBe("Created b@example.com (ADMIN), id 00000000-0000-4000-8000-00000000000b.\n");
  });

  it("takes it from AUTH_CLI_PASSWORD without --password-stdin, and prints JSON for scripts", async () => {
    const { core, calls } = adminCore();
    const fake = fakeContext({ core, envPassword: "from the environment" });
    expect(await runCli(["users", "create", "--email", "b@example.com", "--role", "USER", "--json"], fake.ctx)).toBe(0);
    expect(calls[0]?.[2]).toMatchObject({ password: "from the environment" });
    expect(JSON.parse(fake.stdout())).toEqual({ id: "00000000-0000-4000-8000-00000000000b", email: "b@example.com", role: "USER", emailVerified: false, disabled: false, createdAt: T.toISOString() });
  });
});

describe("changes to one account, found by id or email", () => {
  it.each([
    [["users", "set-role", "--user", ALICE.email, "--role", "ADMIN"], ["setRole", CLI_ACTOR, ALICE.id, "ADMIN"], "alice@example.com is now ADMIN.\n"],
    [["users", "disable", "--user", ALICE.id], ["disable", CLI_ACTOR, ALICE.id], "Disabled alice@example.com: its sessions have ended and it can no longer sign in.\n"],
    [["users", "enable", "--user", ALICE.email], ["enable", CLI_ACTOR, ALICE.id], "Enabled alice@example.com: it can sign in again.\n"],
    [["sessions", "revoke", "--user", ALICE.email], ["revokeSessions", CLI_ACTOR, ALICE.id], "Revoked 2 sessions of alice@example.com.\n"],
  ])("%j", async (argv, call, said) => {
    const { core, calls } = adminCore();
    const fake = fakeContext({ core });
    expect(await runCli(argv, fake.ctx)).toBe(0);
    expect(calls).toEqual([["findUser", argv[3]], call]);
    expect(fake.stdout()).toBe(said);
  });

  it.each([[["users", "disable"]], [["users", "set-role", "--user", "a@example.com"]], [["sessions", "revoke"]], [["sessions", "revoke", "--user"]]])(
    "%j is a usage error",
    async (argv) => {
      const fake = fakeContext();
      expect(await runCli(argv, fake.ctx)).toBe(2);
      expect(fake.opened()).toBe(0);
    },
  );

  it("refuses an unknown account (exit 1) without calling the change", async () => {
    const { core, calls } = adminCore();
    const fake = fakeContext({ core });
    expect(await runCli(["users", "disable", "--user", "nobody@example.com"], fake.ctx)).toBe(1);
    expect(fake.stderr()).toBe('Refused: No user has the id or email "nobody@example.com".\n');
    expect(calls).toEqual([["findUser", "nobody@example.com"]]);
  });

  it("users list prints every account with its verified and disabled flags", async () => {
    const { core } = adminCore([ALICE, { ...ALICE, id: "00000000-0000-4000-8000-00000000000c", email: "carol@example.com", emailVerified: true, disabled: true }]);
    const fake = fakeContext({ core });
    expect(await runCli(["users", "list"], fake.ctx)).toBe(0);
    expect(fake.stdout().split("\n")).toEqual([
      "ID                                    EMAIL              ROLE  VERIFIED  DISABLED  CREATED",
      "00000000-0000-4000-8000-00000000000a  alice@example.com  USER  no        -         2030-01-01T00:00:00.000Z",
      "00000000-0000-4000-8000-00000000000c  carol@example.com  USER  yes       yes       2030-01-01T00:00:00.000Z",
      "",
    ]);
  });
});
