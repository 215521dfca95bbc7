import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { migrate, openDatabase, type Database } from "../../src/db";
import { findProjectRoot } from "../../src/project-root";
import { catalogSnapshot } from "./catalog-snapshot";

const ROOT = findProjectRoot(__dirname);

/** The SQL Prisma would write for schema.prisma from scratch (JS engine; no DB, no download). */
async function schemaSql(): Promise<string> {
  const { stdout } = await promisify(execFile)(
    path.join(ROOT, "node_modules", ".bin", "prisma"),
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    {
      cwd: ROOT,
      // The CLI refuses to start without DATABASE_URL, and would phone home without CHECKPOINT_DISABLE.
      env: { ...process.env, DATABASE_URL: "postgresql://cli@localhost/unused", CHECKPOINT_DISABLE: "1" },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  return stdout;
}

/**
 * What the migrations add that schema.prisma cannot say (CHECK constraints, partial unique
 * indexes): applied on top of Prisma's SQL, so everything else still has to match exactly.
 */
const BEYOND_PRISMA = `
  ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_state_check" CHECK ("state" IN ('NEXT', 'CURRENT', 'PREVIOUS', 'REVOKED'));
  ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_algorithm_check" CHECK ("algorithm" IN ('ES256', 'RS256'));
  ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_revoked_erased_check" CHECK ("state" <> 'REVOKED' OR "private_key" IS NULL);
  CREATE UNIQUE INDEX "signing_keys_one_current" ON "signing_keys" ((true)) WHERE "state" = 'CURRENT';
  CREATE UNIQUE INDEX "signing_keys_one_next" ON "signing_keys" ((true)) WHERE "state" = 'NEXT';
  ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_purpose_check" CHECK ("purpose" IN ('email_verification', 'password_reset', 'email_change', 'invite'));
  ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_owner_check" CHECK (("purpose" = 'invite') = ("user_id" IS NULL));
  ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_invite_role_check" CHECK (("purpose" = 'invite') = ("role" IS NOT NULL));
  ALTER TABLE "mail_outbox" ADD CONSTRAINT "mail_outbox_link_erased_check" CHECK (("sent_at" IS NULL AND "failed_at" IS NULL) OR "link" IS NULL);
`;

const DRIFTS = [
  "DROP INDEX signing_keys_one_next",
  "ALTER TABLE users ADD COLUMN x int",
  "ALTER TABLE sessions ALTER COLUMN ip SET NOT NULL",
  "ALTER TABLE users ALTER COLUMN role SET DEFAULT 'ADMIN'",
  "ALTER TABLE refresh_tokens ALTER COLUMN created_at TYPE timestamptz(6)",
  "CREATE INDEX extra_idx ON users (created_at)",
  "DROP INDEX sessions_user_id_revoked_at_idx",
  "ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_parent_id_fkey",
  `ALTER TYPE "Role" ADD VALUE 'OWNER'`,
];

describe("schema.prisma and prisma/migrations", () => {
  let fromSchema: Database;
  let fromMigrations: Database;

  beforeAll(async () => {
    const [sql, a, b] = await Promise.all([schemaSql(), openDatabase("pglite:memory"), openDatabase("pglite:memory")]);
    fromSchema = a;
    fromMigrations = b;
    await fromSchema.sql.withSession((s) => s.exec(sql + BEYOND_PRISMA));
    await migrate(fromMigrations);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([fromSchema?.close(), fromMigrations?.close()]);
  });

  it("describe the same database (if not: write a new migration with `prisma migrate diff`)", async () => {
    const expected = await fromSchema.sql.withSession(catalogSnapshot);
    expect(expected.columns.length).toBeGreaterThan(0);
    expect(await fromMigrations.sql.withSession(catalogSnapshot)).toEqual(expected);
  });

  // Each change is made and rolled back inside one transaction, so the cases stay independent.
  it.each(DRIFTS)("would notice drift: %s", async (change) => {
    const rollback = new Error("rollback");
    const run = fromMigrations.sql.withSession((s) =>
      s.transaction(async (tx) => {
        const before = await catalogSnapshot(tx);
        await tx.exec(change);
        expect(await catalogSnapshot(tx)).not.toEqual(before);
        throw rollback;
      }),
    );
    await expect(run).rejects.toBe(rollback);
  });
});
