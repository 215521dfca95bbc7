import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { BuiltCli, type CliResult, runBuiltCli } from "../support/built-cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { E2E_SECRET, type GqlResponse, login, onlyError, signup, startServer, type TestServer } from "../support/server";
import { describeWithPostgres } from "../support/services";

const ROOT = findProjectRoot(__dirname);
const COMMITTED = readdirSync(path.join(ROOT, "prisma", "migrations"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface StatusJson {
  upToDate: boolean;
  sources: Array<{ source: string; dir: string; applied: string[]; pending: string[] }>;
}

/** db status → 1 (all pending), db migrate → applied, db status → 0: the same on both databases. */
async function migrateFromScratch(cli: (args: string[]) => Promise<CliResult>): Promise<void> {
  const before = await cli(["db", "status"]);
  expect(before).toMatchObject({ code: 1, stderr: "" });
  expect(before.stdout).toMatch(new RegExp(`^Migrations on \\S+: ${COMMITTED.length} pending\\nSOURCE +DIRECTORY +APPLIED +PENDING\\ncore +prisma/migrations +0 +${COMMITTED.length}\\n`));
  expect(before.stdout).toContain(`pending   ${COMMITTED[0]} (core)\n`);

  const migrated = await cli(["db", "migrate"]);
  expect(migrated).toMatchObject({ code: 0, stderr: "" });
  expect(migrated.stdout).toMatch(new RegExp(`^Migrations on \\S+: applied ${COMMITTED.join(", ")}\\n$`));

  const after = await cli(["db", "status", "--json"]);
  expect(after).toMatchObject({ code: 0, stderr: "" });
  expect(JSON.parse(after.stdout)).toMatchObject({ upToDate: true, sources: [{ source: "core", dir: "prisma/migrations", applied: COMMITTED, pending: [] }] } satisfies StatusJson);
  expect((await cli(["db", "migrate"])).stdout).toMatch(/: already up to date\n$/);
}

/** An account and a refused login, written by a real server. */
async function someActivity(server: TestServer, email: string): Promise<void> {
  await signup(server, email);
  expect((await login(server, email, "not the password")).body.errors).toHaveLength(1);
}

/** users list --json and audit tail --json --type, as scripts read them. */
async function readBack(cli: (args: string[]) => Promise<CliResult>, email: string): Promise<void> {
  const listed = await cli(["users", "list", "--json"]);
  expect(listed).toMatchObject({ code: 0, stderr: "" });
  const users = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
  expect(users).toEqual([{ id: expect.any(String), email, role: "USER", emailVerified: false, disabled: false, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);

  const failed = await cli(["audit", "tail", "--json", "--type", "login_failed"]);
  expect(failed).toMatchObject({ code: 0, stderr: "" });
  const events = JSON.parse(failed.stdout) as Array<{ type: string; userId: string | null; ip: string | null }>;
  expect(events.length).toBeGreaterThanOrEqual(1);
  expect(events.every((event) => event.type === "login_failed")).toBe(true);
  expect(events.at(-1)).toMatchObject({ userId: users[0]?.id, ip: "127.0.0.1" });

  const human = await cli(["audit", "tail", "--type", "SIGNUP", "--limit", "1"]);
  expect(human).toMatchObject({ code: 0, stderr: "" });
  expect(human.stdout).toMatch(new RegExp(`^CREATED +TYPE +USER +IP +DETAIL\\n\\S+Z  signup +${users[0]?.id}  127\\.0\\.0\\.1`));
}

const PASSWORD = "operator chosen passphrase";

/** Security events reach a running server within a second or so; a loaded machine gets a generous margin. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("the running server did not apply the change in 10 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const me = (server: TestServer, token: string): Promise<GqlResponse<{ me: { id: string; role: string } }>> =>
  server.gql<{ me: { id: string; role: string } }>("{ me { id role } }", undefined, { token });
const reasonOf = (res: GqlResponse) => (res.body.errors ? onlyError(res).extensions?.reason : undefined);

describe("auth-server on an embedded database (PGlite)", () => {
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runBuiltCli(args, env);
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cli-e2e-"));
    env = { DATABASE_URL: `pglite:${path.join(dir, "db")}`, JWT_SECRET: E2E_SECRET };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is an executable bin: the built file starts with a node shebang", async () => {
    await runBuiltCli(["--help"], {});
    expect(readFileSync(path.join(ROOT, "dist", "src", "cli.js"), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
  }, 300_000);

  it("db status lists pending migrations and exits 1, db migrate applies them, db status then exits 0", async () => {
    await migrateFromScratch(cli);
  }, 300_000);

  it("while a running server holds the directory, says so in one line and exits 2, for every kind of command", async () => {
    const server = await startServer({ databaseUrl: env.DATABASE_URL });
    let results: CliResult[];
    try {
      await someActivity(server, "cli-pglite@example.com");
      results = await Promise.all([cli(["users", "list"]), cli(["db", "status"]), cli(["audit", "tail", "--json"])]);
    } finally {
      await server.close();
    }
    for (const result of results) {
      expect(result).toMatchObject({ code: 2, stdout: "" });
      expect(result.stderr).toMatch(
        /^Database directory \S+ is in use by process \d+ \(DATABASE_URL=pglite:\S+\); stop that process or point DATABASE_URL elsewhere\. The running server owns the embedded database: stop it first, or use its admin GraphQL API\.\n$/,
      );
    }
  }, 300_000);

  it("once the server is stopped, reads what it wrote: users list --json, audit tail --json --type", async () => {
    await readBack(cli, "cli-pglite@example.com");
  }, 300_000);

  it("manages accounts while the server is stopped, and the server applies every change when it starts", async () => {
    const fromStdin = await runBuiltCli(["users", "create", "--email", "Ops@Example.com", "--role", "ADMIN", "--password-stdin", "--json"], env, `${PASSWORD}\n`);
    expect(fromStdin).toMatchObject({ code: 0, stderr: "" });
    const ops = JSON.parse(fromStdin.stdout) as { id: string; email: string; role: string; emailVerified: boolean; disabled: boolean };
    expect(ops).toMatchObject({ email: "ops@example.com", role: "ADMIN", emailVerified: true, disabled: false });
    const fromEnv = await runBuiltCli(["users", "create", "--email", "dev@example.com", "--role", "user"], { ...env, AUTH_CLI_PASSWORD: PASSWORD });
    expect(fromEnv).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Created dev@example\.com \(USER\), id \S+\.\n$/) });
    expect(await cli(["users", "create", "--email", "nobody@example.com", "--role", "USER"])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: give the password on stdin with --password-stdin, or in the environment as AUTH_CLI_PASSWORD\n/),
    });
    expect(await cli(["users", "disable", "--user", "dev@example.com"])).toMatchObject({ code: 0, stdout: "Disabled dev@example.com: its sessions have ended and it can no longer sign in.\n" });

    let server = await startServer({ databaseUrl: env.DATABASE_URL });
    let token: string;
    try {
      // The stdin password without its trailing newline is the password.
      token = (await signIn(server, "ops@example.com")).accessToken;
      await signIn(server, "ops@example.com");
      expect(reasonOf(await login(server, "dev@example.com", PASSWORD))).toBe("ACCOUNT_DISABLED");
    } finally {
      await server.close();
    }

    expect(await cli(["sessions", "revoke", "--user", "OPS@example.com"])).toMatchObject({ code: 0, stdout: "Revoked 2 sessions of ops@example.com.\n" });
    expect(await cli(["users", "enable", "--user", "dev@example.com"])).toMatchObject({ code: 0 });
    const promoted = await cli(["users", "set-role", "--user", "dev@example.com", "--role", "ADMIN", "--json"]);
    expect(JSON.parse(promoted.stdout)).toMatchObject({ email: "dev@example.com", role: "ADMIN", disabled: false });
    expect(await cli(["users", "disable", "--user", "ghost@example.com"])).toMatchObject({ code: 1, stderr: 'Refused: No user has the id or email "ghost@example.com".\n' });

    server = await startServer({ databaseUrl: env.DATABASE_URL });
    try {
      expect((await signIn(server, "dev@example.com")).user.role).toBe("ADMIN");
      expect(reasonOf(await me(server, token))).toBe("SESSION_REVOKED");
    } finally {
      await server.close();
    }
  }, 300_000);
});

async function signIn(server: TestServer, email: string) {
  const res = await login(server, email, PASSWORD);
  if (!res.body.data?.login) throw new Error(`login of ${email} failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.login;
}

describeWithPostgres("auth-server on PostgreSQL, beside a running server", () => {
  let db: TestDatabase;
  const cli = (args: string[]) => runBuiltCli(args, { DATABASE_URL: db.url, JWT_SECRET: E2E_SECRET });
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it("migrates, then reads what the server writes while it runs; audit tail --follow shows events as they happen until Ctrl-C", async () => {
    await migrateFromScratch(cli);
    const server = await startServer({ databaseUrl: db.url });
    const follow = await BuiltCli.start(["audit", "tail", "--follow", "--json", "--type", "login_failed"], { DATABASE_URL: db.url, JWT_SECRET: E2E_SECRET });
    try {
      await someActivity(server, "cli-postgres@example.com");
      await readBack(cli, "cli-postgres@example.com");
      // Polled every 2 s: the refused login appears as one JSON line; then Ctrl-C ends it cleanly.
      await follow.waitForOutput(/"type":"login_failed"/);
      follow.interrupt();
      const ended = await follow.exited;
      expect(ended).toMatchObject({ code: 0, stderr: "" });
      expect(ended.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(["login_failed"]);
    } finally {
      follow.kill();
      await server.close();
    }
  }, 300_000);

  it("manages an account beside the running server, which applies each change at once (security events)", async () => {
    const server = await startServer({ databaseUrl: db.url });
    try {
      const created = await runBuiltCli(["users", "create", "--email", "ops@example.com", "--role", "USER", "--password-stdin", "--json"], { DATABASE_URL: db.url, JWT_SECRET: E2E_SECRET }, `${PASSWORD}\n`);
      expect(created).toMatchObject({ code: 0, stderr: "" });
      const id = (JSON.parse(created.stdout) as { id: string }).id;
      const first = await signIn(server, "ops@example.com");
      expect(first.user.id).toBe(id);

      expect(await cli(["users", "disable", "--user", id])).toMatchObject({ code: 0 });
      expect(reasonOf(await login(server, "ops@example.com", PASSWORD))).toBe("ACCOUNT_DISABLED");
      await eventually(async () => (await me(server, first.accessToken)).body.errors !== undefined);

      expect(await cli(["users", "enable", "--user", "ops@example.com"])).toMatchObject({ code: 0, stdout: "Enabled ops@example.com: it can sign in again.\n" });
      const second = await signIn(server, "ops@example.com");
      await signIn(server, "ops@example.com");
      expect(await cli(["users", "set-role", "--user", "ops@example.com", "--role", "ADMIN"])).toMatchObject({ code: 0, stdout: "ops@example.com is now ADMIN.\n" });
      await eventually(async () => (await me(server, second.accessToken)).body.data?.me.role === "ADMIN");

      expect(await cli(["sessions", "revoke", "--user", "ops@example.com"])).toMatchObject({ code: 0, stdout: "Revoked 2 sessions of ops@example.com.\n" });
      await eventually(async () => reasonOf(await me(server, second.accessToken)) === "SESSION_REVOKED");

      const trail = JSON.parse((await cli(["audit", "tail", "--user", "ops@example.com", "--json"])).stdout) as Array<{ type: string; userAgent: string | null }>;
      const byCli = trail.filter((event) => event.userAgent === "cli").map((event) => event.type);
      expect(byCli).toEqual(["user_created", "user_disabled", "user_enabled", "role_changed", "user_sessions_revoked"]);
    } finally {
      await server.close();
    }
  }, 300_000);
});
