import { countLiveSessions, createStores, type Database, migrate, openDatabase } from "../../src/db";
import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { at, newSession, newToken, newUser } from "./contract/fixtures";

/** One live session, and one dead for each way a session dies (session-liveness.ts). */
function describeLiveSessionCount(open: () => Promise<{ db: Database; close(): Promise<void> }>): () => Database {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => ({ db, close } = await open()));
  afterAll(async () => close());

  it("counts exactly the sessions isSessionLive calls live, of every user", async () => {
    const { users, sessions } = createStores(db);
    const session = async (overrides: Parameters<typeof newSession>[1] = {}) => {
      const user = await users.create(newUser());
      const created = newSession(user.id, overrides);
      if (!(await sessions.create(created, newToken(created.id)))) throw new Error("session not created");
      return { user, session: created };
    };
    expect(await countLiveSessions(db.prisma, at(10))).toBe(0);
    await session();
    const revoked = await session();
    await sessions.revoke(revoked.session.id, revoked.user.id, at(1), "logout");
    await session({ expiresAt: at(10) }); // idle expiry reached: the instant itself is past
    await session({ expiresAt: at(60), absoluteExpiresAt: at(5) });
    const stale = await session();
    await db.prisma.$executeRaw`UPDATE users SET credential_version = 1 WHERE id = ${stale.user.id}::uuid`;
    const disabled = await session();
    await db.prisma.$executeRaw`UPDATE users SET disabled_at = ${at(2)}::timestamptz WHERE id = ${disabled.user.id}::uuid`;
    expect(await countLiveSessions(db.prisma, at(10))).toBe(1);
    // A minute earlier, the idly expired one was still live.
    expect(await countLiveSessions(db.prisma, at(9))).toBe(2);
  });
  return () => db;
}

describe("countLiveSessions on PGlite", () => {
  const db = describeLiveSessionCount(async () => {
    const db = await openDatabase("pglite:memory");
    await migrate(db);
    return { db, close: () => db.close() };
  });

  it("has no pool to report", () => expect(db().poolStats).toBeNull());
});

describeWithPostgres("countLiveSessions on PostgreSQL", () => {
  let fresh: Awaited<ReturnType<typeof createTestDatabase>>;
  describeLiveSessionCount(async () => {
    fresh = await createTestDatabase();
    const db = await openDatabase(fresh.url, { poolSize: 4 });
    await migrate(db);
    return {
      db,
      close: async () => {
        await db.close();
        await fresh.drop();
      },
    };
  });

  it("reports the pool's occupancy", async () => {
    const db = await openDatabase(fresh.url, { poolSize: 3 });
    try {
      expect(db.poolStats?.()).toEqual({ totalCount: 0, idleCount: 0, waitingCount: 0, max: 3 });
      await db.ping();
      expect(db.poolStats?.()).toEqual({ totalCount: 1, idleCount: 1, waitingCount: 0, max: 3 });
    } finally {
      await db.close();
    }
  });
});
