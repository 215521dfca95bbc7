import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { type CliResult, runBuiltCli } from "../support/built-cli";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { onlyError, signup, startServer, type TestServer } from "../support/server";
import { describeWithPostgres } from "../support/services";

const ROOT = findProjectRoot(__dirname);
const KEK = Buffer.alloc(32, 4).toString("base64");

/** `npm run cli -- <args>` is "build if stale, then `node dist/src/cli.js <args>`". */
const cli = (args: string[], env: Record<string, string>) => runBuiltCli(args, { JWT_ALGORITHM: "ES256", KEY_ENCRYPTION_KEY: KEK, ...env });

describe("auth-server keys (embedded database)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "keys-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is the package's cli script and its bin", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; bin: Record<string, string> };
    expect(pkg.scripts.cli).toBe("node src/build/build-if-stale.mjs --quiet && node dist/src/cli.js");
    expect(pkg.bin).toEqual({ "auth-server": "dist/src/cli.js" });
  });

  it("says clearly that a running server holds the directory, then lists, refuses an early rotation, and revokes", async () => {
    const env = { DATABASE_URL: `pglite:${path.join(dir, "pglite")}` };
    const server = await startServer({ databaseUrl: env.DATABASE_URL, env: { JWT_SECRET: "", JWT_ALGORITHM: "ES256", KEY_ENCRYPTION_KEY: KEK } });
    let locked: CliResult;
    try {
      locked = await cli(["keys", "list"], env);
    } finally {
      await server.close();
    }
    expect(locked.code).toBe(2);
    expect(locked.stdout).toBe("");
    expect(locked.stderr.trim().split("\n")).toHaveLength(1);
    expect(locked.stderr).toMatch(/is in use by process \d+ .*The running server owns the embedded database: stop it first, or use its admin GraphQL API\.\n$/);

    const listed = await cli(["keys", "list"], env);
    expect(listed).toMatchObject({ code: 0, stderr: "" });
    expect(listed.stdout).toMatch(/^STATE\s+ALG\s+KID\s+CREATED/);
    expect(listed.stdout).toMatch(/\nCURRENT\s+ES256\s+\S+/);
    expect(listed.stdout).toMatch(/\nNEXT\s+ES256\s+\S+.*may sign from/);

    const early = await cli(["keys", "rotate"], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^Refused: The next signing key has not been published long enough.*\(retry in \d+ s\)\n$/);

    const keys = JSON.parse((await cli(["keys", "list", "--json"], env)).stdout) as Array<{ kid: string; state: string }>;
    const next = keys.find((k) => k.state === "NEXT");
    const revoked = await cli(["keys", "revoke", next?.kid ?? ""], env);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked ${next?.kid}: its tokens are refused from now on.\n` });
    const after = JSON.parse((await cli(["keys", "list", "--json"], env)).stdout) as Array<{ kid: string; state: string }>;
    expect(after.find((k) => k.kid === next?.kid)?.state).toBe("REVOKED");
    expect(after.filter((k) => k.state === "NEXT")).toHaveLength(1);

    expect(await cli(["keys", "revoke", "no-such-kid"], env)).toMatchObject({ code: 1, stderr: "Refused: No signing key has this kid.\n" });
    expect(await cli(["keys", "shred"], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: unknown command 'shred'\n\nUsage: auth-server keys /) });
    expect(await cli(["nothing"], env)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: unknown command 'nothing'\n\nUsage: auth-server <command>/) });
  }, 240_000);

  it("says so when keys are not kept in the database", async () => {
    const env = { DATABASE_URL: `pglite:${path.join(dir, "hs256")}`, JWT_ALGORITHM: "HS256", JWT_SECRET: "x".repeat(40) };
    expect((await cli(["keys", "list"], env)).stdout).toMatch(/No published keys: access tokens are HS256/);
    expect(await cli(["keys", "rotate"], env)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Refused: Signing keys come from JWT_SECRET/) });
  }, 240_000);
});

describeWithPostgres("auth-server keys beside a running server (PostgreSQL)", () => {
  let db: TestDatabase;
  let server: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startServer({ databaseUrl: db.url, env: { JWT_SECRET: "", JWT_ALGORITHM: "ES256", KEY_ENCRYPTION_KEY: KEK } });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("revokes a key from the command line and the running server refuses its tokens at once (security event)", async () => {
    const pair = await signup(server, "cli-revoke@example.com");
    const kid = (JSON.parse(Buffer.from(pair.accessToken.split(".")[0] ?? "", "base64url").toString()) as { kid: string }).kid;
    const result = await cli(["keys", "revoke", kid], { DATABASE_URL: db.url });
    expect(result).toMatchObject({ code: 0, stdout: `Revoked ${kid}: its tokens are refused from now on.\n` });
    // Well within the server's own 30 s reload: the CLI's SIGNING_KEYS_CHANGED arrived over LISTEN/NOTIFY.
    const deadline = Date.now() + 3_000;
    let res = await server.gql("{ me { id } }", undefined, { token: pair.accessToken });
    while (!res.body.errors && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res = await server.gql("{ me { id } }", undefined, { token: pair.accessToken });
    }
    expect(onlyError(res).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).not.toContain(kid);
    // Signing moved to the NEXT key: new sign-ins work.
    const fresh = await signup(server, "cli-after@example.com");
    expect((await server.gql<{ me: { id: string } }>("{ me { id } }", undefined, { token: fresh.accessToken })).body.data?.me.id).toBe(fresh.user.id);
  }, 240_000);
});
