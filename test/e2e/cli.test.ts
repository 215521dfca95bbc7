import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { BuiltCli, type CliResult, runBuiltCli } from "../support/built-cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { E2E_SECRET, login, signup, startServer, type TestServer } from "../support/server";
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
  expect(users).toEqual([{ id: expect.any(String), email, role: "USER", createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);

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
});

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
});
