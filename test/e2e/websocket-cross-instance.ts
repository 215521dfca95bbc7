import { MODULES } from "../../src/modules";
import { adminFeed } from "../support/admin-feed-module";
import { login, type Pair, signup } from "../support/server";
import { twoInstancesOnOneDatabase } from "../support/two-instances";
import { wsClient } from "../support/ws-client";
import { ADMIN_ENV } from "./websocket";

/** The bound for another instance sharing the database. */
const CROSS_INSTANCE_BOUND_MS = 2000;

/**
 * Sockets on instance B, the change made through instance A (two servers, one PostgreSQL):
 * the socket learns of it through the security-event fan-out that `env` selects.
 */
export function describeWebSocketsAcrossInstances(env: () => Record<string, string>): void {
  const servers = twoInstancesOnOneDatabase(() => ({ modules: [...MODULES, adminFeed], env: { ...ADMIN_ENV, ...env() } }));
  const bearer = (pair: Pair) => ({ authorization: `Bearer ${pair.accessToken}` });

  it("logoutAll on A closes every socket of the user on B with 4403 within 2 s, after telling its sessionEvents subscriber", async () => {
    const { a, b } = servers;
    const pair = await signup(a, "cross-ws-all@example.com");
    const second = (await login(a, "cross-ws-all@example.com")).body.data?.login as Pair;
    const listening = wsClient(b.url, bearer(pair));
    const events = listening.subscribe<{ sessionEvents: { type: string; current: boolean } }>("subscription { sessionEvents { type current } }");
    const others = [wsClient(b.url, bearer(pair)), wsClient(b.url, bearer(second))];
    await Promise.all([listening, ...others].map((c) => c.connected));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await a.gql("mutation { logoutAll }", {}, { token: pair.accessToken });
    for (const closed of await Promise.all([listening, ...others].map((c) => c.closed))) {
      expect(closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
      expect(closed.at - started).toBeLessThan(CROSS_INSTANCE_BOUND_MS);
    }
    expect(events.results.map((r) => r.data?.sessionEvents)).toContainEqual({ type: "SESSION_REVOKED", current: true });
  });

  it("revokeSession on A closes only that session's socket on B", async () => {
    const { a, b } = servers;
    const pair = await signup(a, "cross-ws-one@example.com");
    const other = (await login(a, "cross-ws-one@example.com")).body.data?.login as Pair;
    const doomed = wsClient(b.url, bearer(other));
    const kept = wsClient(b.url, bearer(pair));
    await Promise.all([doomed.connected, kept.connected]);
    const started = Date.now();
    const sessionId = JSON.parse(Buffer.from(other.accessToken.split(".")[1] ?? "", "base64url").toString()).sid as string;
    const res = await a.gql<{ revokeSession: boolean }>(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: sessionId }, { token: pair.accessToken });
    expect(res.body.data?.revokeSession).toBe(true);
    const closed = await doomed.closed;
    expect(closed).toMatchObject({ code: 4403, reason: "SESSION_REVOKED" });
    expect(closed.at - started).toBeLessThan(CROSS_INSTANCE_BOUND_MS);
    const me = kept.subscribe<{ me: { id: string } }>("{ me { id } }");
    expect((await me.nextResults(1))[0]?.data?.me.id).toBe(pair.user.id);
    await kept.dispose();
  });

  it("a demotion through A ends B's ADMIN-only subscription with FORBIDDEN within 2 s", async () => {
    const { a, b } = servers;
    const root = (await login(a, ADMIN_ENV.BOOTSTRAP_ADMIN_EMAIL, ADMIN_ENV.BOOTSTRAP_ADMIN_PASSWORD)).body.data?.login as Pair;
    const target = await signup(a, "cross-ws-demoted@example.com");
    const setRole = (role: string) =>
      a.gql(`mutation($u: ID!, $r: Role!) { setUserRole(userId: $u, role: $r) { id } }`, { u: target.user.id, r: role }, { token: root.accessToken });
    await setRole("ADMIN");
    const client = wsClient(b.url, bearer(target));
    const ticks = client.subscribe<{ adminTicks: number }>("subscription { adminTicks }");
    await ticks.nextResults(1);
    const started = Date.now();
    await setRole("USER");
    expect((await ticks.error)?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN" });
    expect(Date.now() - started).toBeLessThan(CROSS_INSTANCE_BOUND_MS);
    await client.dispose();
  });
}
