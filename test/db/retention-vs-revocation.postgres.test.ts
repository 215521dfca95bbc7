import type { Client } from "pg";
import type { Stores } from "../../src/db";
import { at, newSession, newToken, newUser } from "./contract/fixtures";
import { lockWaiters } from "../support/postgres";
import { type LockRace, openLockRace } from "../support/lock-race";
import { describeWithPostgres } from "../support/services";

const DAY_MINUTES = 24 * 60;
const CUTOFF = at(-30 * DAY_MINUTES);

/**
 * The retention job deleting old sessions while a user's sessions are being revoked, on a real
 * PostgreSQL server with a realistically sized sessions table (so the planner deletes through the
 * primary key in hash order, not in the heap order a revocation locks in). A third connection
 * holds one live session row, as an in-flight rotation does, to pin the interleaving.
 */
describeWithPostgres("retention against revocations on PostgreSQL: neither waits on the other in a cycle", () => {
  let race: LockRace | undefined;
  let stores: Stores;
  let holder: Client;
  let watcher: Client;

  beforeAll(async () => {
    race = await openLockRace();
    ({ stores, holder, watcher } = race);
    // 20,000 live sessions of 2,000 users: what a modest production table holds.
    await watcher.query(`INSERT INTO users (id, email, password_hash, created_at, updated_at)
      SELECT gen_random_uuid(), 'filler-' || g || '@example.test', 'x', now(), now() FROM generate_series(1, 2000) g`);
    await watcher.query(`INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at)
      SELECT gen_random_uuid(), u.id, '2030-01-01', '2030-01-01', '2030-01-02', '2030-02-01' FROM users u, generate_series(1, 10)`);
    await watcher.query("ANALYZE");
  });
  afterAll(async () => {
    await race?.close();
  });

  /**
   * A user whose two sessions expired long ago (retention's to delete, still unrevoked) sit on
   * either side of a live one in the heap, and whose expired ids, hashed as a set of ids to delete
   * is, come out in the opposite order: the adversarial case, which half of all users are.
   */
  async function userWithCrossedSessions() {
    for (let attempt = 0; attempt < 40; attempt++) {
      const user = await stores.users.create(newUser());
      const expired = { expiresAt: at(-60 * DAY_MINUTES), absoluteExpiresAt: at(-30 * DAY_MINUTES - 1) };
      const [first, live, last] = [newSession(user.id, expired), newSession(user.id), newSession(user.id, expired)];
      for (const s of [first, live, last]) await stores.sessions.create(s, newToken(s.id, { expiresAt: s.expiresAt }));
      const { rows } = await watcher.query<{ id: string }>(
        `SELECT id FROM sessions WHERE revoked_at < $1::timestamptz UNION SELECT id FROM sessions WHERE expires_at < $1::timestamptz LIMIT 500`,
        [CUTOFF.toISOString()],
      );
      const order = rows.map((r) => r.id);
      if (order.indexOf(last.id) < order.indexOf(first.id)) return { user, live };
      await watcher.query("DELETE FROM users WHERE id = $1", [user.id]);
    }
    throw new Error("no user whose expired sessions retention visits against heap order");
  }

  it("logoutAll and a retention run over the same user's sessions both complete", async () => {
    const { user, live } = await userWithCrossedSessions();
    await holder.query("BEGIN");
    await holder.query("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", [live.id]);
    const logoutAll = stores.sessions.revokeAllForUser(user.id, at(1), "logout_all");
    await lockWaiters(watcher, 1);
    const retention = stores.retention.exclusively(async (batches) => void (await batches.deleteSessionsEndedBefore(CUTOFF, 500)));
    await lockWaiters(watcher, 2).catch(() => undefined);
    await holder.query("COMMIT");

    const settled = await Promise.allSettled([logoutAll, retention]);
    expect(settled.map((s) => (s.status === "rejected" ? String(s.reason) : "done"))).toEqual(["done", "done"]);
    expect(await stores.sessions.listActive(user.id, at(2))).toEqual([]);
  });
});
