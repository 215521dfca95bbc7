import { randomBytes, randomUUID } from "node:crypto";
import type { AuditEvent } from "../../../src/auth/types";
import { at, loggedIn, newUser, onlyAdmins, readToken, T0, type GetStores } from "./fixtures";

function auditEvent(userId: string, detail: AuditEvent["detail"], minutes: number): AuditEvent {
  return {
    id: randomUUID(),
    type: "email_changed",
    userId,
    sessionId: randomUUID(),
    ip: "203.0.113.9",
    userAgent: "contract/2.0",
    requestId: `req-${minutes}`,
    detail,
    createdAt: at(minutes),
  };
}

export function userDeletionContract(stores: GetStores): void {
  describe("delete", () => {
    it("deletes the user, its sessions, refresh tokens and account tokens, and scrubs its audit trail", async () => {
      const { user, session, token } = await loggedIn(stores());
      const tokenHash = randomBytes(32).toString("hex");
      const mail = { id: randomUUID(), mail: { kind: "verify-email" as const, to: user.email, link: `https://app.test/v#${tokenHash}`, facts: {} } };
      const accountToken = { id: randomUUID(), tokenHash, purpose: "email_verification" as const, userId: user.id, email: user.email, role: null, createdAt: T0, expiresAt: at(60) };
      await stores().accountTokens.issue(accountToken, mail);
      const detailed = auditEvent(user.id, { email: user.email, newEmail: "n@example.test", previousEmail: "p@example.test", role: "USER" }, 1);
      const bare = auditEvent(user.id, null, 2);
      const stranger = auditEvent(randomUUID(), { email: "someone@example.test" }, 3);
      // An admin's event naming the address: it loses the address, not the admin's client facts.
      const admin = randomUUID();
      const naming = auditEvent(admin, { email: user.email, role: "USER" }, 4);
      // Rate-limit rows keyed by the address (alone, or with a network) lose the key and the client facts.
      const limited: AuditEvent = { ...auditEvent(admin, { bucket: "mail_address", key: user.email, count: 3 }, 5), userId: null, type: "rate_limited" };
      const paired: AuditEvent = { ...limited, id: randomUUID(), detail: { bucket: "login_failures", key: `${user.email}|203.0.113.0`, count: 1 } };
      const unrelated: AuditEvent = { ...limited, id: randomUUID(), detail: { bucket: "mail_address", key: `x${user.email}`, count: 1 } };
      for (const e of [detailed, bare, stranger, naming, limited, paired, unrelated]) await stores().audit.record(e);
      // The pending email change's confirmation went to the new address.
      const change = { id: randomUUID(), tokenHash: randomBytes(32).toString("hex"), purpose: "email_change" as const, userId: user.id, email: `new-${user.email}`, role: null, createdAt: T0, expiresAt: at(60) };
      const changeMail = { id: randomUUID(), mail: { kind: "confirm-email-change" as const, to: change.email, link: "https://app.test/c", facts: { newEmail: change.email } } };
      await stores().accountTokens.issue(change, changeMail);

      await expect(stores().users.delete(user.id, at(5))).resolves.toBe("deleted");
      expect(await stores().users.findById(user.id)).toBeNull();
      expect(await stores().users.findByEmail(user.email)).toBeNull();
      expect(await stores().sessions.findState(session.id)).toBeNull();
      expect(await readToken(stores().sessions, token.tokenHash)).toBeNull();
      expect(await stores().sessions.findByTokenHash(token.tokenHash)).toBeNull();
      expect(await stores().accountTokens.find(tokenHash)).toBeNull();
      // The trail keeps the events under the (now pseudonymous) id, without anything that names a person.
      const scrub = { ip: null, userAgent: null };
      expect(await stores().audit.list({ first: 10, userId: user.id })).toEqual([
        { ...bare, ...scrub },
        { ...detailed, ...scrub, detail: { role: "USER" } },
      ]);
      expect(await stores().audit.list({ first: 10, userId: stranger.userId })).toEqual([stranger]);
      expect(await stores().audit.list({ first: 10, userId: admin })).toEqual([{ ...naming, detail: { role: "USER" } }]);
      // Mail to the address is gone, sent or not, and so is the pending change's confirmation.
      expect(await stores().queuedMail(mail.id)).toBeNull();
      expect(await stores().queuedMail(changeMail.id)).toBeNull();
      const ids = new Set([limited.id, paired.id, unrelated.id]);
      const rateLimited = (await stores().audit.list({ first: 100, type: "rate_limited" })).filter((e) => ids.has(e.id));
      expect(rateLimited.find((e) => e.id === limited.id)).toMatchObject({ ip: null, userAgent: null, detail: { bucket: "mail_address", count: 3 } });
      expect(rateLimited.find((e) => e.id === paired.id)?.detail).toEqual({ bucket: "login_failures", count: 1 });
      expect(rateLimited.find((e) => e.id === unrelated.id)).toEqual(unrelated);
      // The address is free again.
      await expect(stores().users.create(newUser({ email: user.email }))).resolves.toMatchObject({ email: user.email });
    });

    it("says not_found for an unknown, malformed or already deleted id", async () => {
      const user = await stores().users.create(newUser());
      await expect(stores().users.delete(user.id, at(1))).resolves.toBe("deleted");
      await expect(stores().users.delete(user.id, at(2))).resolves.toBe("not_found");
      await expect(stores().users.delete(randomUUID(), at(2))).resolves.toBe("not_found");
      await expect(stores().users.delete("not-a-uuid", at(2))).resolves.toBe("not_found");
    });

    it("deletes nothing when the credential version moved since the password was verified", async () => {
      const { user, session } = await loggedIn(stores());
      await expect(stores().users.delete(user.id, at(1), 1)).resolves.toBe("version_moved");
      expect(await stores().users.findById(user.id)).toEqual(user);
      expect((await stores().sessions.findState(session.id))?.session.revokedAt).toBeNull();
      await expect(stores().users.delete(user.id, at(2), 0)).resolves.toBe("deleted");
    });

    it("refuses to delete the last enabled ADMIN; a disabled ADMIN may go", async () => {
      const admin = await stores().users.create(newUser({ role: "ADMIN" }));
      const other = await stores().users.create(newUser({ role: "ADMIN" }));
      await onlyAdmins(stores, [admin.id, other.id]);
      await stores().users.setDisabled(other.id, true, at(1));
      await expect(stores().users.delete(admin.id, at(2))).rejects.toMatchObject({ code: "FORBIDDEN", reason: "LAST_ADMIN" });
      await expect(stores().users.delete(admin.id, at(2), 0)).rejects.toMatchObject({ reason: "LAST_ADMIN" });
      expect(await stores().users.findById(admin.id)).toEqual(admin);
      await expect(stores().users.delete(other.id, at(3))).resolves.toBe("deleted");
      const successor = await stores().users.create(newUser({ role: "ADMIN" }));
      await expect(stores().users.delete(admin.id, at(4))).resolves.toBe("deleted");
      expect(await stores().users.findById(successor.id)).toMatchObject({ role: "ADMIN" });
    });
  });
}
