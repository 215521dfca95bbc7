import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { login, onlyError, type Pair, refresh, signup, type TestServer, withServer } from "../support/server";

const MIGRATIONS_DIR = join(__dirname, "..", "..", "prisma", "migrations");
const SILENT = { LOG_LEVEL: "silent" };

interface MigrationRow {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
}

function migrationFolders(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function migrationRows(server: TestServer): Promise<MigrationRow[]> {
  return server.app.db.prisma.$queryRawUnsafe<MigrationRow[]>(
    "SELECT migration_name, checksum, started_at, finished_at FROM _prisma_migrations ORDER BY migration_name",
  );
}

async function me(server: TestServer, token: string) {
  return server.gql<{ me: { id: string; email: string } }>("{ me { id email } }", {}, { token });
}


describe("a PGlite directory survives a restart", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "auth-persist-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("keeps accounts, sessions and refresh-token history, and does not re-run migrations", async () => {
    const databaseUrl = `pglite:${join(root, "pglite")}`;
    const email = "persist@example.com";
    const password = "durable passphrase 7";

    const before = await withServer({ databaseUrl }, async (s) => {
      const first = await signup(s, email, password);
      const rotated = await refresh(s, first.refreshToken);
      const kept = rotated.body.data?.refreshToken;
      if (!kept) throw new Error(`refresh failed: ${JSON.stringify(rotated.body)}`);
      return { first, kept, rows: await migrationRows(s) };
    });
    expect(before.rows.map((r) => r.migration_name)).toEqual(migrationFolders());

    await withServer({ databaseUrl }, async (s) => {
      const relogin = await login(s, email, password);
      expect(relogin.body.errors).toBeUndefined();
      expect(relogin.body.data?.login.user).toEqual(before.first.user);

      const viewer = await me(s, before.kept.accessToken);
      expect(viewer.body.data?.me).toEqual({ id: before.first.user.id, email });

      const next = await refresh(s, before.kept.refreshToken);
      expect(next.body.errors).toBeUndefined();
      const pair: Pair | undefined = next.body.data?.refreshToken;
      expect(pair?.user.id).toBe(before.first.user.id);
      expect(pair?.refreshToken).not.toBe(before.kept.refreshToken);

      // The token rotated before the restart is recognised as already used once the grace window ends.
      s.clock.advance(11_000);
      const replay = await refresh(s, before.first.refreshToken);
      expect(onlyError(replay).extensions?.code).toBe("REFRESH_TOKEN_REUSED");
      // Reuse ends the whole session: the newest token and access token die with it.
      expect(onlyError(await refresh(s, pair?.refreshToken ?? null)).extensions?.code).toBe("INVALID_REFRESH_TOKEN");
      expect(onlyError(await me(s, pair?.accessToken ?? "")).extensions).toMatchObject({
        code: "UNAUTHENTICATED",
        reason: "SESSION_REVOKED",
      });

      const rows = await migrationRows(s);
      expect(rows).toEqual(before.rows);
      expect(rows).toHaveLength(migrationFolders().length);
    });
  });
});

describe("development HS256 secret without JWT_SECRET", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "auth-devsecret-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("is generated beside the data directory and keeps access tokens valid across restarts", async () => {
    const options = {
      databaseUrl: `pglite:${join(root, "pglite")}`,
      env: { ...SILENT, NODE_ENV: "development", JWT_SECRET: "", JWT_ALGORITHM: "HS256" },
    };
    const secretPath = join(root, "jwt-secret");

    const pair = await withServer(options, async (s) => {
      expect(s.app.config.jwt.signing).toMatchObject({ algorithm: "HS256", secretSource: "generated", secretPath });
      return signup(s, "dev@example.com");
    });
    const written = readFileSync(secretPath, "utf8");
    expect(Buffer.from(written.trim(), "base64url").length).toBeGreaterThanOrEqual(32);
    expect(statSync(secretPath).mode & 0o777).toBe(0o600);

    await withServer(options, async (s) => {
      expect(s.app.config.jwt.signing).toMatchObject({ secretSource: "file" });
      const res = await me(s, pair.accessToken);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.me).toEqual({ id: pair.user.id, email: "dev@example.com" });
    });
    expect(readFileSync(secretPath, "utf8")).toBe(written);

    // Without the file a new secret is generated, and the old token no longer verifies.
    unlinkSync(secretPath);
    await withServer(options, async (s) => {
      expect(readFileSync(secretPath, "utf8")).not.toBe(written);
      const res = await me(s, pair.accessToken);
      expect(onlyError(res).extensions).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
    });
  }, 180_000);
});

describe("development ES256 keys without any setting", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "auth-devkeys-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("seals the keys under a generated KEY_ENCRYPTION_KEY, keeps tokens valid across restarts, and refuses to start with another one", async () => {
    const options = { databaseUrl: `pglite:${join(root, "pglite")}`, env: { ...SILENT, NODE_ENV: "development", JWT_SECRET: "" } };
    const kekPath = join(root, "key-encryption-key");
    const pair = await withServer(options, async (s) => {
      expect(s.app.config.jwt.signing).toMatchObject({ algorithm: "ES256", keySource: "database", keyEncryptionKeySource: "generated" });
      return signup(s, "keys@example.com");
    });
    expect(statSync(kekPath).mode & 0o777).toBe(0o600);
    expect(JSON.parse(Buffer.from(pair.accessToken.split(".")[0] ?? "", "base64url").toString())).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    await withServer(options, async (s) => {
      const res = await me(s, pair.accessToken);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data?.me).toEqual({ id: pair.user.id, email: "keys@example.com" });
    });
    // Another KEK cannot open the stored keys: the server says so instead of minting new ones.
    unlinkSync(kekPath);
    await expect(withServer(options, async () => undefined)).rejects.toThrow(/KEY_ENCRYPTION_KEY does not open signing key/);
  }, 180_000);
});
