import type { Client } from "pg";
import type { Stores } from "../../src/db";
import { at, newSession, newToken, newUser } from "./contract/fixtures";
import { lockWaiters } from "../support/postgres";
import { type LockRace, openLockRace } from "../support/lock-race";
import { describeWithPostgres } from "../support/services";

/**
 * Revocations of many sessions of one user (logoutAll, changePassword) racing each other on a real
 * PostgreSQL server. A third connection holds one session row, as an in-flight rotation of that
 * session does, which pins the interleaving that deadlocked: logoutAll locks the user's sessions
 * in scan order while changePassword locks its own (kept) session first and the others after.
 */
describeWithPostgres("revoking a user's sessions on PostgreSQL: one lock order, no deadlock", () => {
  let race: LockRace | undefined;
  let stores: Stores;
  let holder: Client;
  let watcher: Client;

  beforeAll(async () => {
    race = await openLockRace();
    ({ stores, holder, watcher } = race);
  });
  afterAll(async () => {
    await race?.close();
  });

  const outcome = (settled: PromiseSettledResult<unknown>) => (settled.status === "rejected" ? String(settled.reason) : "done");

  it("logoutAll and changePassword of one user both complete, whichever takes the locks first", async () => {
    const user = await stores.users.create(newUser());
    const sessions = [newSession(user.id), newSession(user.id), newSession(user.id)];
    for (const s of sessions) await stores.sessions.create(s, newToken(s.id));
    const [, held, kept] = sessions.map((s) => s.id) as [string, string, string];

    await holder.query("BEGIN");
    await holder.query("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", [held]);
    const logoutAll = stores.sessions.revokeAllForUser(user.id, at(1), "logout_all");
    await lockWaiters(watcher, 1);
    const keep = { sessionId: kept, token: newToken(kept, { createdAt: at(1) }) };
    const change = stores.users.changePassword({ userId: user.id, expectedVersion: 0, passwordHash: "new-hash", at: at(1), keep });
    // Without a common first lock, changePassword now holds `kept` and waits for logoutAll, which
    // holds the first session and will want `kept` as soon as the holder lets go.
    await lockWaiters(watcher, 2).catch(() => undefined);
    await holder.query("COMMIT");

    const [revoked, changed] = await Promise.allSettled([logoutAll, change]);
    expect([outcome(revoked), outcome(changed)]).toEqual(["done", "done"]);
    // Either order leaves nothing live but, at most, the session that changed the password.
    const live = (await stores.sessions.listActive(user.id, at(2))).map((s) => s.id);
    expect(live.filter((id) => id !== kept)).toEqual([]);
  });
});
