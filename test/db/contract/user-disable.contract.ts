import { randomUUID } from "node:crypto";
import { at, loggedIn, newSession, newToken, newUser, onlyAdmins, readToken, type GetStores } from "./fixtures";

export function userDisableContract(stores: GetStores): void {
  describe("setDisabled", () => {
    it("disables: every session and its tokens end (and are counted), the flag shows everywhere, no new session starts", async () => {
      const { user, session, token } = await loggedIn(stores());
      const second = newSession(user.id);
      const secondToken = newToken(second.id);
      await stores().sessions.create(second, secondToken);
      const earlier = newSession(user.id);
      await stores().sessions.create(earlier, newToken(earlier.id));
      await stores().sessions.revoke(earlier.id, user.id, at(1), "logout");
      const bystander = await loggedIn(stores());

      await expect(stores().users.setDisabled(user.id, true, at(5))).resolves.toEqual({ user: { ...user, disabled: true }, endedSessions: 2 });
      expect(await stores().users.findById(user.id)).toEqual({ ...user, disabled: true });
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ disabled: true });
      const state = await stores().sessions.findState(session.id);
      expect(state?.user.disabled).toBe(true);
      expect(state?.session.revokedAt).toEqual(at(5));
      for (const t of [token, secondToken]) expect((await readToken(stores().sessions, t.tokenHash))?.revokedAt).toEqual(at(5));
      expect((await stores().sessions.findState(earlier.id))?.session.revokedAt).toEqual(at(1));
      expect(await stores().sessions.listActive(user.id, at(6))).toEqual([]);
      expect((await stores().sessions.findState(bystander.session.id))?.session.revokedAt).toBeNull();

      // A login that verified the password before the disable must not get a session after it.
      const late = newSession(user.id, { createdAt: at(6) });
      const lateToken = newToken(late.id);
      await expect(stores().sessions.create(late, lateToken)).resolves.toBe(false);
      expect(await stores().sessions.findState(late.id)).toBeNull();
      expect(await readToken(stores().sessions, lateToken.tokenHash)).toBeNull();
    });

    it("enables again: new sessions may start, the ended ones stay ended", async () => {
      const { user, session } = await loggedIn(stores());
      await stores().users.setDisabled(user.id, true, at(5));
      await expect(stores().users.setDisabled(user.id, true, at(6))).resolves.toEqual({ user: { ...user, disabled: true }, endedSessions: 0 });
      await expect(stores().users.setDisabled(user.id, false, at(7))).resolves.toEqual({ user: { ...user, disabled: false }, endedSessions: 0 });
      expect(await stores().users.findById(user.id)).toEqual(user);
      expect((await stores().sessions.findState(session.id))?.session.revokedAt).toEqual(at(5));
      const fresh = newSession(user.id);
      await expect(stores().sessions.create(fresh, newToken(fresh.id))).resolves.toBe(true);
      expect((await stores().sessions.listActive(user.id, at(8))).map((s) => s.id)).toEqual([fresh.id]);
    });

    it("returns null for an unknown or malformed id", async () => {
      await expect(stores().users.setDisabled(randomUUID(), true, at(1))).resolves.toBeNull();
      await expect(stores().users.setDisabled("not-a-uuid", true, at(1))).resolves.toBeNull();
      await expect(stores().users.setDisabled(randomUUID(), false, at(1))).resolves.toBeNull();
    });

    lastEnabledAdminContract(stores);
  });
}

function lastEnabledAdminContract(stores: GetStores): void {
  it("refuses to disable the last enabled ADMIN (a disabled ADMIN does not count), and then ends nothing", async () => {
    const { user: admin, session } = await loggedIn(stores());
    await stores().users.setRole(admin.id, "ADMIN", at(1));
    const other = await stores().users.create(newUser({ role: "ADMIN" }));
    await onlyAdmins(stores, [admin.id, other.id]);
    await stores().users.setDisabled(other.id, true, at(2));

    const error = await stores().users.setDisabled(admin.id, true, at(3)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
    expect(await stores().users.findById(admin.id)).toMatchObject({ disabled: false });
    expect((await stores().sessions.findState(session.id))?.session.revokedAt).toBeNull();
    // Demoting counts only enabled ADMINs too.
    await expect(stores().users.setRole(admin.id, "USER", at(3))).rejects.toMatchObject({ reason: "LAST_ADMIN" });

    await stores().users.setDisabled(other.id, false, at(4));
    await expect(stores().users.setDisabled(admin.id, true, at(5))).resolves.toMatchObject({ user: { disabled: true }, endedSessions: 1 });
    // The disabled ADMIN may be demoted: it was not counted.
    await expect(stores().users.setRole(admin.id, "USER", at(6))).resolves.toMatchObject({ role: "USER" });
  });

  it("two ADMINs disabling each other at once: exactly one disable wins", async () => {
    const a = await stores().users.create(newUser({ role: "ADMIN" }));
    const b = await stores().users.create(newUser({ role: "ADMIN" }));
    await onlyAdmins(stores, [a.id, b.id]);
    const results = await Promise.allSettled([stores().users.setDisabled(a.id, true, at(5)), stores().users.setDisabled(b.id, true, at(5))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused?.reason).toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
    const flags = [(await stores().users.findById(a.id))?.disabled, (await stores().users.findById(b.id))?.disabled];
    expect(flags.sort()).toEqual([false, true]);
  });

  it("a disable racing a demotion of the other ADMIN: one of them is refused", async () => {
    const a = await stores().users.create(newUser({ role: "ADMIN" }));
    const b = await stores().users.create(newUser({ role: "ADMIN" }));
    await onlyAdmins(stores, [a.id, b.id]);
    const results = await Promise.allSettled([stores().users.setDisabled(a.id, true, at(5)), stores().users.setRole(b.id, "USER", at(5))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const [ua, ub] = [await stores().users.findById(a.id), await stores().users.findById(b.id)];
    expect([ua, ub].filter((u) => u?.role === "ADMIN" && !u.disabled)).toHaveLength(1);
  });
}
