import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import argon2 from "argon2";
import { type Database, migrate, openDatabase } from "../../src/db";
import { prepareDatabase } from "../../src/core/prepare-database";
import { createTestDatabase } from "../support/postgres";
import { login, startServer } from "../support/server";
import { describeWithPostgres } from "../support/services";

/** A users row as an earlier version wrote it: only trimmed and lower-cased. */
async function legacyUser(db: Database, email: string, passwordHash = "legacy-hash"): Promise<string> {
  const id = randomUUID();
  await db.sql.withSession((sql) =>
    sql.query("INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES ($1::uuid, $2, $3, now(), now())", [id, email, passwordHash]),
  );
  return id;
}

async function emailOf(db: Database, id: string): Promise<string | undefined> {
  const [row] = await db.sql.withSession((sql) => sql.query<{ email: string }>("SELECT email FROM users WHERE id = $1::uuid", [id]));
  return row?.email;
}

function canonicalizationSuite(open: () => Promise<{ db: Database; close(): Promise<void> }>) {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    await migrate(db);
  });
  afterAll(() => close?.());

  it("rewrites emails stored before the canonical form, leaves collisions and refused ones for an operator, and is idempotent", async () => {
    const decomposed = await legacyUser(db, "jose\u0301@example.com");
    const unicodeDomain = await legacyUser(db, "ada@b\u00fccher.de");
    const taken = await legacyUser(db, "bob@xn--bcher-kva.de");
    const collides = await legacyUser(db, "bob@b\u00fccher.de");
    const invisible = await legacyUser(db, "ev\u200be@example.com");
    const plain = await legacyUser(db, "plain@example.com");
    const numeric = await legacyUser(db, "num@1.2"); // an IPv4 address to UTS #46: 1.0.0.2
    const badTld = await legacyUser(db, "x@foo.123");
    const badPunycode = await legacyUser(db, "y@xn--zz.de");
    const punycode = await legacyUser(db, "z@xn--bcher-kva.de");

    const first = await prepareDatabase(db);
    expect(first.emails.rewritten).toBe(3);
    expect(first.emails.conflicts).toEqual([collides]);
    expect(first.emails.refused.sort()).toEqual([invisible, badTld, badPunycode].sort());
    expect(await emailOf(db, numeric)).toBe("num@1.0.0.2");
    expect(await emailOf(db, punycode)).toBe("z@xn--bcher-kva.de");
    expect(await emailOf(db, decomposed)).toBe("jos\u00e9@example.com");
    expect(await emailOf(db, unicodeDomain)).toBe("ada@xn--bcher-kva.de");
    expect(await emailOf(db, taken)).toBe("bob@xn--bcher-kva.de");
    expect(await emailOf(db, collides)).toBe("bob@b\u00fccher.de");
    expect(await emailOf(db, plain)).toBe("plain@example.com");

    const again = await prepareDatabase(db);
    expect(again.applied).toEqual([]);
    expect(again.emails).toEqual({ rewritten: 0, conflicts: first.emails.conflicts, refused: first.emails.refused.sort() });
  });
}

describe("prepareDatabase on PGlite", () => {
  canonicalizationSuite(async () => {
    const db = await openDatabase("pglite:memory");
    return { db, close: () => db.close() };
  });
});

describeWithPostgres("prepareDatabase on PostgreSQL", () => {
  canonicalizationSuite(async () => {
    const fresh = await createTestDatabase();
    const db = await openDatabase(fresh.url);
    return {
      db,
      close: async () => {
        await db.close();
        await fresh.drop();
      },
    };
  });
});

describe("an account stored before the canonical form still signs in after the upgrade", () => {
  it("the server's start rewrites it, and login with either spelling finds it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "legacy-email-"));
    const databaseUrl = `pglite:${dir}/db`;
    try {
      const seed = await openDatabase(databaseUrl);
      try {
        await migrate(seed);
        await legacyUser(seed, "rene\u0301@example.com", await argon2.hash("an old passphrase", { type: argon2.argon2id }));
      } finally {
        await seed.close();
      }
      const server = await startServer({ databaseUrl });
      try {
        expect((await login(server, "ren\u00e9@example.com", "an old passphrase")).body.data?.login.user.email).toBe("ren\u00e9@example.com");
        expect((await login(server, "RENE\u0301@example.com", "an old passphrase")).body.data?.login).toBeDefined();
      } finally {
        await server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
