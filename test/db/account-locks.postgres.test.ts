import type { Client } from "pg";
import type { Stores } from "../../src/db";
import { issued } from "./contract/account-token-fixtures";
import { at, newSession, newToken, newUser } from "./contract/fixtures";
import { lockWaiters } from "../support/postgres";
import { type LockRace, openLockRace } from "../support/lock-race";
import { describeWithPostgres } from "../support/services";

/**
 * The account writes racing each other on a real PostgreSQL server, with a third connection
 * holding a row so that the racers provably queue on the database's locks at the same time
 * (not one after another through the client).
 */
describeWithPostgres("account writes on PostgreSQL: row locks decide the races", () => {
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

  it("20 redemptions of one reset token waiting together on the account's row: one wins, 19 see USED", async () => {
    const user = await stores.users.create(newUser());
    const { token } = await issued(stores, "password_reset", user);
    await holder.query("BEGIN");
    await holder.query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", [user.id]);
    const redemptions = Array.from({ length: 20 }, (_, i) =>
      stores.accountTokens.redeem(token.tokenHash, { kind: "reset_password", passwordHash: `hash-${i}` }, at(5)),
    );
    await lockWaiters(watcher, 5);
    await holder.query("COMMIT");
    const outcomes = await Promise.all(redemptions);
    expect(outcomes.filter((r) => r.ok)).toHaveLength(1);
    expect(outcomes.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array.from({ length: 19 }, () => "USED"));
    expect(await stores.users.findById(user.id)).toMatchObject({ credentialVersion: 1 });
  });

  it("20 acceptances of one invite waiting together on the token's row: one account is created", async () => {
    const { token } = await issued(stores, "invite", null);
    await holder.query("BEGIN");
    await holder.query("SELECT 1 FROM account_tokens WHERE token_hash = $1 FOR UPDATE", [token.tokenHash]);
    const ids = Array.from({ length: 20 }, () => newUser().id);
    const accepts = ids.map((id) => stores.accountTokens.redeem(token.tokenHash, { kind: "accept_invite", user: { id, passwordHash: "h", createdAt: at(5) } }, at(5)));
    await lockWaiters(watcher, 5);
    await holder.query("COMMIT");
    const outcomes = await Promise.all(accepts);
    expect(outcomes.filter((r) => r.ok)).toHaveLength(1);
    expect(outcomes.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array.from({ length: 19 }, () => "USED"));
    expect((await Promise.all(ids.map((id) => stores.users.findById(id)))).filter(Boolean)).toHaveLength(1);
  });

  it("a login inserting its session while a disable is in flight waits for it and then creates nothing", async () => {
    const user = await stores.users.create(newUser());
    const before = newSession(user.id);
    await stores.sessions.create(before, newToken(before.id));
    await holder.query("BEGIN");
    // What setDisabled's transaction holds before it commits: the row, already marked disabled.
    await holder.query("UPDATE users SET disabled_at = now() WHERE id = $1", [user.id]);
    const session = newSession(user.id);
    const login = stores.sessions.create(session, newToken(session.id));
    await lockWaiters(watcher, 1);
    await holder.query("COMMIT");
    await expect(login).resolves.toBe(false);
    expect(await stores.sessions.findState(session.id)).toBeNull();
    // The holder disabled without revoking: even so no session of a disabled user is live.
    expect(await stores.sessions.listActive(user.id, at(1))).toEqual([]);
    expect((await stores.sessions.findState(before.id))?.user.disabled).toBe(true);
  });
});
