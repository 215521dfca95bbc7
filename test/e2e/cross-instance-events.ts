import { Client } from "pg";
import { LISTENER_APPLICATION_NAME } from "../../src/events";
import { login, type Pair, signup, type TestServer } from "../support/server";
import { twoInstancesOnOneDatabase } from "../support/two-instances";

const ME = "{ me { id role } }";
const ADMIN = { BOOTSTRAP_ADMIN_EMAIL: "root@example.com", BOOTSTRAP_ADMIN_PASSWORD: "admin password 1" };
/** Far above the bound below: only a security event can explain seeing a change that fast. */
const SESSION_CACHE_TTL = "60s";
const BOUND_MS = 500;

type Me = { id: string; role: string } | null;

/**
 * Two instances on one PostgreSQL database with a session cache TTL of a minute: a revocation or
 * role change made through A is enforced by B's `me` within 500 ms, so it reached B as an event.
 * `env` picks the fan-out (none: PostgreSQL NOTIFY; REDIS_URL: Redis pub/sub).
 */
export function describeCrossInstanceEvents(
  env: () => Record<string, string>,
  /** How many connections listen for this deployment's events on the transport under test. */
  listeners: (databaseUrl: string) => Promise<number>,
): void {
  const servers = twoInstancesOnOneDatabase(() => ({ env: { ...ADMIN, SESSION_CACHE_TTL, ...env() } }));
  let a: TestServer;
  let b: TestServer;
  beforeAll(() => {
    ({ a, b } = servers);
  });
  let n = 0;
  const email = () => `cross-${++n}@example.com`;


  const me = async (server: TestServer, token: string): Promise<{ me: Me; reason?: string }> => {
    const res = await server.gql<{ me: Me }>(ME, {}, { token });
    return { me: res.body.data?.me ?? null, reason: res.body.errors?.[0]?.extensions?.reason };
  };

  /** Polls B's `me` until `done`, from the moment A answered; fails past the bound. */
  async function seenOnB(token: string, done: (r: { me: Me; reason?: string }) => boolean): Promise<number> {
    const started = Date.now();
    for (;;) {
      const result = await me(b, token);
      const elapsed = Date.now() - started;
      if (done(result)) return elapsed;
      if (elapsed > BOUND_MS) throw new Error(`B still answers ${JSON.stringify(result)} ${elapsed} ms after the change on A`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A session of a new user, known to B (its state cached there). */
  async function cachedOnB(): Promise<Pair> {
    const pair = await signup(a, email());
    expect((await me(b, pair.accessToken)).me?.id).toBe(pair.user.id);
    return pair;
  }

  const revoked = (r: { reason?: string }) => r.reason === "SESSION_REVOKED";

  it("each instance listens on the transport under test", async () => {
    expect(await listeners(servers.databaseUrl)).toBe(2);
  });

  it("logout on A: B rejects the access token at once", async () => {
    const pair = await cachedOnB();
    expect((await a.gql(`mutation($t: String) { logout(refreshToken: $t) }`, { t: pair.refreshToken })).body.data).toEqual({ logout: true });
    expect(await seenOnB(pair.accessToken, revoked)).toBeLessThan(BOUND_MS);
  });

  it("revokeSession on A: B rejects that session at once, and only that one", async () => {
    const first = await cachedOnB();
    const second = (await login(b, first.user.email)).body.data?.login as Pair;
    expect((await me(b, second.accessToken)).me?.id).toBe(first.user.id);
    const sessions = await b.gql<{ sessions: Array<{ id: string; current: boolean }> }>(`{ sessions { id current } }`, {}, { token: second.accessToken });
    const id = sessions.body.data?.sessions.find((s) => s.current)?.id;
    const res = await a.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id }, { token: first.accessToken });
    expect(res.body.data).toEqual({ revokeSession: true });
    expect(await seenOnB(second.accessToken, revoked)).toBeLessThan(BOUND_MS);
    expect((await me(b, first.accessToken)).me?.id).toBe(first.user.id);
  });

  it("logoutAll on A: B rejects every session of the user at once", async () => {
    const first = await cachedOnB();
    const second = (await login(b, first.user.email)).body.data?.login as Pair;
    expect((await me(b, second.accessToken)).me?.id).toBe(first.user.id);
    expect((await a.gql(`mutation { logoutAll }`, {}, { token: first.accessToken })).body.data).toEqual({ logoutAll: 2 });
    expect(await seenOnB(first.accessToken, revoked)).toBeLessThan(BOUND_MS);
    expect(await seenOnB(second.accessToken, revoked)).toBeLessThan(BOUND_MS);
  });

  it("setUserRole on A: B applies the new role at once", async () => {
    const admin = (await login(a, ADMIN.BOOTSTRAP_ADMIN_EMAIL, ADMIN.BOOTSTRAP_ADMIN_PASSWORD)).body.data?.login as Pair;
    const pair = await cachedOnB();
    const changed = await a.gql(`mutation($u: ID!) { setUserRole(userId: $u, role: ADMIN) { role } }`, { u: pair.user.id }, { token: admin.accessToken });
    expect(changed.body.data).toEqual({ setUserRole: { role: "ADMIN" } });
    expect(await seenOnB(pair.accessToken, (r) => r.me?.role === "ADMIN")).toBeLessThan(BOUND_MS);
  });
}

/** The backends listening for security events in this database. */
export async function postgresListeners(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sql = "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1";
    const { rows } = await client.query<{ n: number }>(sql, [LISTENER_APPLICATION_NAME]);
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}
