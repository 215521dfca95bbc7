import {
  adminToken,
  dataOf,
  errorOf,
  loginPair,
  type MailedServer,
  me,
  OPS,
  signupPair,
  within,
} from "../support/accounts";
import { login, type TestServer } from "../support/server";
import { wsClient } from "../support/ws-client";

/** Polls `me` every 100 ms with the token until the server refuses it; resolves with the ms it took. */
export function refusedWithin(server: TestServer, token: string, ms = 1000): Promise<number> {
  return within(ms, 100, async () => (await me(server, token)).body.errors?.[0]?.extensions?.code === "UNAUTHENTICATED");
}

/** ADMIN user management over GraphQL. */
export function describeUserAdmin(t: MailedServer): void {
  let n = 0;
  const email = (what: string) => `${what}-${++n}@example.test`;
  const asAdmin = async (query: string, userId: string) => t.server.gql(query, { u: userId }, { token: await adminToken(t.server) });

  it("disableUser: the user's access token is refused within 1 s and its socket closed; login (after the right password) and refresh are refused; enableUser lets them back", async () => {
    const address = email("disable");
    const pair = await signupPair(t.server, address);
    expect(dataOf(await me(t.server, pair.accessToken)).me.disabled).toBe(false); // cached as live now
    const socket = wsClient(t.server.url, { authorization: `Bearer ${pair.accessToken}` });
    await socket.connected;
    const admin = await adminToken(t.server);

    const disabledAt = Date.now();
    const disabled = dataOf(await t.server.gql(OPS.disableUser, { u: pair.user.id }, { token: admin })).disableUser;
    expect(disabled).toMatchObject({ id: pair.user.id, disabled: true });
    await refusedWithin(t.server, pair.accessToken, 1000 - (Date.now() - disabledAt));
    expect(errorOf(await me(t.server, pair.accessToken))).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
    expect((await socket.closed).code).toBe(4403);
    expect(errorOf(await login(t.server, address))).toEqual({ code: "FORBIDDEN", reason: "ACCOUNT_DISABLED" });
    expect(errorOf(await login(t.server, address, "wrong password!"))).toEqual({ code: "INVALID_CREDENTIALS" });
    expect(errorOf(await t.server.gql(OPS.refresh, { t: pair.refreshToken }))).toMatchObject({ code: "INVALID_REFRESH_TOKEN" });

    expect(dataOf(await t.server.gql(OPS.enableUser, { u: pair.user.id }, { token: admin })).enableUser.disabled).toBe(false);
    const again = await loginPair(t.server, address);
    expect(dataOf(await me(t.server, again.accessToken)).me.id).toBe(pair.user.id);
    // Sessions ended by the disable stay ended.
    expect(errorOf(await me(t.server, pair.accessToken))).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("revokeUserSessions ends every session of the user and says how many", async () => {
    const address = email("revoke");
    const pairs = [await signupPair(t.server, address), await loginPair(t.server, address), await loginPair(t.server, address)];
    for (const pair of pairs) expect(dataOf(await me(t.server, pair.accessToken)).me.email).toBe(address); // now cached
    expect(dataOf(await asAdmin(OPS.revokeUserSessions, pairs[0]!.user.id))).toEqual({ revokeUserSessions: 3 });
    for (const pair of pairs) expect(errorOf(await me(t.server, pair.accessToken))).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
    expect(dataOf(await asAdmin(OPS.revokeUserSessions, pairs[0]!.user.id))).toEqual({ revokeUserSessions: 0 });
    await loginPair(t.server, address);
  });

  it("deleteUser removes the account and its sessions; false for an unknown user", async () => {
    const address = email("delete-user");
    const pair = await signupPair(t.server, address);
    expect(dataOf(await asAdmin(OPS.deleteUser, pair.user.id))).toEqual({ deleteUser: true });
    expect(errorOf(await me(t.server, pair.accessToken))).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(errorOf(await login(t.server, address))).toEqual({ code: "INVALID_CREDENTIALS" });
    expect(dataOf(await asAdmin(OPS.deleteUser, pair.user.id))).toEqual({ deleteUser: false });
  });

  it("refuses an admin targeting their own account (SELF_TARGETED), and every admin mutation to a non-admin (FORBIDDEN)", async () => {
    const admin = await adminToken(t.server);
    const adminId = dataOf(await me(t.server, admin)).me.id;
    for (const op of [OPS.disableUser, OPS.deleteUser]) {
      expect(errorOf(await t.server.gql(op, { u: adminId }, { token: admin }))).toEqual({ code: "FORBIDDEN", reason: "SELF_TARGETED" });
    }
    expect(dataOf(await me(t.server, admin)).me.disabled).toBe(false);

    const user = await signupPair(t.server, email("not-admin"));
    const victim = await signupPair(t.server, email("victim"));
    for (const op of [OPS.disableUser, OPS.enableUser, OPS.revokeUserSessions, OPS.deleteUser]) {
      expect(errorOf(await t.server.gql(op, { u: victim.user.id }, { token: user.accessToken }))).toMatchObject({ code: "FORBIDDEN" });
    }
    const invite = await t.server.gql(OPS.createInvite, { e: email("uninvited"), r: "ADMIN" }, { token: user.accessToken });
    expect(errorOf(invite)).toMatchObject({ code: "FORBIDDEN" });
    expect(dataOf(await me(t.server, victim.accessToken)).me.disabled).toBe(false);
  });
}
