import { isAuthError } from "../../../src/auth/errors";
import { T0, at, newUser, onlyAdmins, type GetStores } from "./fixtures";
import { userDeletionContract } from "./user-deletion.contract";
import { userDisableContract } from "./user-disable.contract";

const PUBLIC_KEYS = ["createdAt", "credentialVersion", "disabled", "email", "emailVerified", "id", "role"];

export function userStoreContract(stores: GetStores): void {
  describe("UserStore", () => {
    it("creates a user and returns it without the password hash", async () => {
      const input = newUser();
      const created = await stores().users.create(input);
      expect(created).toEqual({ id: input.id, email: input.email, role: "USER", credentialVersion: 0, createdAt: T0, emailVerified: false, disabled: false });
      expect(Object.keys(created).sort()).toEqual(PUBLIC_KEYS);
      expect(await stores().users.findById(input.id)).toEqual(created);
      expect(await stores().users.findByEmail(input.email)).toEqual({ ...created, passwordHash: input.passwordHash });
    });

    it("creates a user whose address is already proven (an admin-made account) as verified", async () => {
      const created = await stores().users.create(newUser({ emailVerified: true }));
      expect(created).toMatchObject({ emailVerified: true, disabled: false });
      expect(await stores().users.findById(created.id)).toEqual(created);
      expect(await stores().users.findByEmail(created.email)).toMatchObject({ emailVerified: true, disabled: false });
      const listed = await stores().users.list({ first: 1, after: null });
      for (const u of listed) expect(Object.keys(u).sort()).toEqual(PUBLIC_KEYS);
    });

    it("rejects a taken email with EMAIL_TAKEN on the email field", async () => {
      const first = await stores().users.create(newUser());
      const error = await stores().users.create(newUser({ email: first.email })).catch((e: unknown) => e);
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: "EMAIL_TAKEN", field: "email" });
    });

    it("lets exactly one of several concurrent signups with one email win", async () => {
      const email = newUser().email;
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => stores().users.create(newUser({ email }))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
        expect(r.reason).toMatchObject({ code: "EMAIL_TAKEN" });
      }
    });

    it("does not report a duplicate id as EMAIL_TAKEN", async () => {
      const first = await stores().users.create(newUser());
      const error = await stores().users.create(newUser({ id: first.id })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(isAuthError(error)).toBe(false);
    });

    it("returns null for unknown or malformed ids and unknown emails", async () => {
      expect(await stores().users.findById(newUser().id)).toBeNull();
      expect(await stores().users.findById("not-a-uuid")).toBeNull();
      expect(await stores().users.findByEmail("nobody@example.test")).toBeNull();
    });

    it("changes the role and returns the public record", async () => {
      const user = await stores().users.create(newUser());
      const updated = await stores().users.setRole(user.id, "ADMIN", at(5));
      expect(updated).toEqual({ ...user, role: "ADMIN" });
      expect(Object.keys(updated ?? {}).sort()).toEqual(PUBLIC_KEYS);
      expect(await stores().users.findById(user.id)).toEqual({ ...user, role: "ADMIN" });
      expect(await stores().users.setRole(newUser().id, "ADMIN", at(5))).toBeNull();
      expect(await stores().users.setRole("not-a-uuid", "ADMIN", at(5))).toBeNull();
    });

    it("rehashes a password only while the credential version is the one it was verified under", async () => {
      const user = await stores().users.create(newUser());
      await expect(stores().users.rehashPassword(user.id, "upgraded-hash", at(5), 0)).resolves.toBe(true);
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ passwordHash: "upgraded-hash", credentialVersion: 0 });
      // A rehash computed from an old password must never overwrite a newer one.
      await expect(stores().users.rehashPassword(user.id, "stale-hash", at(6), 1)).resolves.toBe(false);
      expect(await stores().users.findByEmail(user.email)).toMatchObject({ passwordHash: "upgraded-hash" });
      await expect(stores().users.rehashPassword(newUser().id, "x", at(6), 0)).resolves.toBe(false);
      await expect(stores().users.rehashPassword("not-a-uuid", "x", at(6), 0)).resolves.toBe(false);
    });

    lastAdminContract(stores);

    listContract(stores);

    userDisableContract(stores);

    userDeletionContract(stores);
  });
}

function listContract(stores: GetStores): void {
  describe("list", () => {
    // Later than every other fixture, so these users are the tail of the global order. Two share
    // a createdAt to prove the id tie-break.
    const base = new Date("2099-01-01T00:00:00.000Z");
    const mine: string[] = [];

    beforeAll(async () => {
      const ids = [at(0, base), at(1, base), at(1, base), at(2, base), at(3, base)].map((createdAt) => ({
        ...newUser(),
        createdAt,
      }));
      for (const user of ids) await stores().users.create(user);
      ids.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
      mine.push(...ids.map((u) => u.id));
    });

    it("pages through everyone in (createdAt, id) order without gaps or repeats", async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await stores().users.list({ first: 2, after });
        for (const u of page) expect(Object.keys(u).sort()).toEqual(PUBLIC_KEYS);
        seen.push(...page.map((u) => u.id));
        if (page.length < 2) break;
        after = page[page.length - 1]?.id ?? null;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.slice(-mine.length)).toEqual(mine);
    });

    it("treats `after` as exclusive", async () => {
      const page = await stores().users.list({ first: 2, after: mine[0] });
      expect(page.map((u) => u.id)).toEqual(mine.slice(1, 3));
      expect(await stores().users.list({ first: 10, after: mine[mine.length - 1] })).toEqual([]);
    });

    it("returns nothing for an unknown or malformed cursor, or a non-positive page size", async () => {
      expect(await stores().users.list({ first: 2, after: newUser().id })).toEqual([]);
      expect(await stores().users.list({ first: 2, after: "not-a-uuid" })).toEqual([]);
      expect(await stores().users.list({ first: 0 })).toEqual([]);
      expect(await stores().users.list({ first: -3, after: mine[2] })).toEqual([]);
    });
  });
}

function lastAdminContract(stores: GetStores): void {
  describe("setRole never leaves zero ADMINs", () => {
    it("refuses to demote the only ADMIN with FORBIDDEN / LAST_ADMIN, and changes nothing", async () => {
      const admin = await stores().users.create(newUser({ role: "ADMIN" }));
      await onlyAdmins(stores, [admin.id]);
      const error = await stores().users.setRole(admin.id, "USER", at(2)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
      expect((await stores().users.findById(admin.id))?.role).toBe("ADMIN");
      // Promoting, and re-asserting ADMIN, are always fine.
      await expect(stores().users.setRole(admin.id, "ADMIN", at(3))).resolves.toMatchObject({ role: "ADMIN" });
      const second = await stores().users.create(newUser());
      await stores().users.setRole(second.id, "ADMIN", at(3));
      await expect(stores().users.setRole(admin.id, "USER", at(4))).resolves.toMatchObject({ role: "USER" });
    });

    it("two ADMINs demoting each other at once: exactly one demotion wins", async () => {
      const a = await stores().users.create(newUser({ role: "ADMIN" }));
      const b = await stores().users.create(newUser({ role: "ADMIN" }));
      await onlyAdmins(stores, [a.id, b.id]);
      const results = await Promise.allSettled([stores().users.setRole(a.id, "USER", at(5)), stores().users.setRole(b.id, "USER", at(5))]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(refused?.reason).toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
      const roles = [(await stores().users.findById(a.id))?.role, (await stores().users.findById(b.id))?.role];
      expect(roles.sort()).toEqual(["ADMIN", "USER"]);
    });

    it("eight ADMINs all demoted at once, while two users are promoted: never zero ADMINs, refusals are LAST_ADMIN", async () => {
      const admins = await Promise.all(Array.from({ length: 8 }, () => stores().users.create(newUser({ role: "ADMIN" }))));
      const users = await Promise.all([stores().users.create(newUser()), stores().users.create(newUser())]);
      await onlyAdmins(stores, admins.map((a) => a.id));
      const demotions = admins.map((a) => stores().users.setRole(a.id, "USER", at(6)));
      const promotions = users.map((u) => stores().users.setRole(u.id, "ADMIN", at(6)));
      const results = await Promise.allSettled([...demotions, ...promotions]);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
      const roles = await Promise.all([...admins, ...users].map(async (u) => (await stores().users.findById(u.id))?.role));
      expect(roles.filter((r) => r === "ADMIN").length).toBeGreaterThanOrEqual(1);
      // Demoting what is left, one by one, stops at the last.
      for (const u of [...admins, ...users]) await stores().users.setRole(u.id, "USER", at(7)).catch(() => undefined);
      const left = await Promise.all([...admins, ...users].map(async (u) => (await stores().users.findById(u.id))?.role));
      expect(left.filter((r) => r === "ADMIN")).toHaveLength(1);
    });
  });
}
