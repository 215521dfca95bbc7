import { adminToken, dataOf, errorOf, loginPair, type MailedServer, me, OPS, PASSWORD, signupPair } from "../support/accounts";
import { login } from "../support/server";

const NOTICE = /email address is being changed/;

interface AuditRow {
  type: string;
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}

/** What the signed-in owner does to their own account: move it to another address, delete it. */
export function describeOwnAccount(t: MailedServer): void {
  let n = 0;
  const email = (what: string) => `${what}-${++n}@example.test`;
  const requestChange = (token: string, newEmail: string, password = PASSWORD) =>
    t.server.gql(OPS.requestEmailChange, { e: newEmail, p: password }, { token });

  it("email change: re-authenticates, mails a link to the new address and a notice to the old, and moves the account on confirm", async () => {
    const old = email("move-from");
    const target = email("move-to");
    const pair = await signupPair(t.server, old);
    expect(errorOf(await requestChange(pair.accessToken, target, "not my password"))).toEqual({ code: "INVALID_CREDENTIALS" });
    expect(dataOf(await requestChange(pair.accessToken, target))).toEqual({ requestEmailChange: true });

    const token = await t.mailbox.token(target, "confirm-email-change");
    const notice = await t.mailbox.next(old, NOTICE);
    expect(notice.text).toContain(target);
    expect(notice.html).toContain(target);
    expect(notice.text).not.toMatch(/token=/);
    expect(t.mailbox.received(old, "confirm-email-change")).toEqual([]);
    // Nothing changes before the link is used.
    expect(errorOf(await login(t.server, target))).toEqual({ code: "INVALID_CREDENTIALS" });

    const moved = dataOf(await t.server.gql(OPS.confirmEmailChange, { t: token })).confirmEmailChange;
    expect(moved).toMatchObject({ id: pair.user.id, email: target, emailVerified: true });
    expect(dataOf(await me(t.server, pair.accessToken)).me.email).toBe(target);
    expect((await loginPair(t.server, target)).user.id).toBe(pair.user.id);
    expect(errorOf(await login(t.server, old))).toEqual({ code: "INVALID_CREDENTIALS" });
    expect(errorOf(await t.server.gql(OPS.confirmEmailChange, { t: token }))).toEqual({ code: "INVALID_TOKEN", reason: "USED" });
  });

  it("email change: an address taken before the confirmation is refused with EMAIL_TAKEN; one taken already gets no link", async () => {
    const pair = await signupPair(t.server, email("race-from"));
    const target = email("race-to");
    await requestChange(pair.accessToken, target);
    const token = await t.mailbox.token(target, "confirm-email-change");
    const other = await signupPair(t.server, target);
    await t.mailbox.next(target, "verify-email");
    expect(errorOf(await t.server.gql(OPS.confirmEmailChange, { t: token }))).toMatchObject({ code: "EMAIL_TAKEN" });
    expect(dataOf(await me(t.server, other.accessToken)).me.id).toBe(other.user.id);

    // Now taken: the same answer, but its owner is not mailed a link (nor told anything).
    const before = t.mailbox.received(target).length;
    expect(dataOf(await requestChange(pair.accessToken, target))).toEqual({ requestEmailChange: true });
    await t.mailbox.next(pair.user.email, NOTICE);
    await t.mailbox.next(pair.user.email, NOTICE);
    expect(t.mailbox.received(target)).toHaveLength(before);
  });

  it("deleteAccount: refuses a wrong password, then deletes the account and its sessions; the audit trail keeps only the id", async () => {
    const address = email("delete");
    const headers = { "user-agent": "DeletionTest/1.0" };
    const first = dataOf(
      await t.server.gql<{ signup: { accessToken: string; refreshToken: string; user: { id: string } } }>(OPS.signup, { e: address, p: PASSWORD, t: null }, { headers }),
    ).signup;
    const second = await loginPair(t.server, address);
    await login(t.server, address, "wrong password!");
    await requestChange(first.accessToken, email("delete-new"));
    const admin = await adminToken(t.server);
    const trail = async () => dataOf(await t.server.gql<{ auditEvents: AuditRow[] }>(OPS.auditEvents, { u: first.user.id }, { token: admin })).auditEvents;
    // Control: the trail did hold addresses, user agents and emails before.
    const before = await trail();
    expect(before.some((e) => e.ip === "127.0.0.1")).toBe(true);
    expect(before.some((e) => e.userAgent === "DeletionTest/1.0")).toBe(true);
    expect(before.some((e) => e.detail && "newEmail" in e.detail)).toBe(true);

    expect(errorOf(await t.server.gql(OPS.deleteAccount, { p: "not my password" }, { token: first.accessToken }))).toEqual({ code: "INVALID_CREDENTIALS" });
    expect(dataOf(await me(t.server, first.accessToken)).me.id).toBe(first.user.id);
    expect(dataOf(await t.server.gql(OPS.deleteAccount, { p: PASSWORD }, { token: first.accessToken }))).toEqual({ deleteAccount: true });

    for (const pair of [first, second]) {
      expect(errorOf(await me(t.server, pair.accessToken))).toMatchObject({ code: "UNAUTHENTICATED" });
      expect(errorOf(await t.server.gql(OPS.refresh, { t: pair.refreshToken }))).toMatchObject({ code: "INVALID_REFRESH_TOKEN" });
    }
    expect(errorOf(await login(t.server, address))).toEqual({ code: "INVALID_CREDENTIALS" });
    const after = await trail();
    expect(after.map((e) => e.type)).toEqual(expect.arrayContaining(["ACCOUNT_DELETED", "SIGNUP", "LOGIN_FAILED", "EMAIL_CHANGE_REQUESTED"]));
    for (const event of after) {
      expect({ type: event.type, userId: event.userId, ip: event.ip, userAgent: event.userAgent }).toEqual({ type: event.type, userId: first.user.id, ip: null, userAgent: null });
      expect(JSON.stringify(event.detail ?? {})).not.toContain("@example.test");
    }
    // The address is free again.
    expect((await signupPair(t.server, address)).user.id).not.toBe(first.user.id);
  });
}
