import { Client } from "pg";
import { hashRefreshToken } from "../../src/auth";
import { createOwnPostgres, type OwnPostgres } from "../support/own-postgres";
import { describeWithPostgresBinaries } from "../support/services";
import { type GqlResponse, login, onlyError, type Pair, refresh, signup, startServer, type TestServer } from "../support/server";

const ME = "{ me { id email } }";
const SIGNUP = `mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`;
/** Clients must learn of an outage quickly enough to retry elsewhere or show a message. */
const FAIL_FAST_MS = 2000;
/** Longer than the session-state cache (1 s), so `me` has to ask the database. */
const PAST_SESSION_CACHE_MS = 1500;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

function expectServiceUnavailable(res: GqlResponse, ms: number): void {
  const error = onlyError(res);
  expect(error.extensions?.code).toBe("SERVICE_UNAVAILABLE");
  expect(error.message).toBe("The service is temporarily unavailable; try again shortly.");
  expect(ms).toBeLessThan(FAIL_FAST_MS);
}

interface TokenRow {
  id: string;
  rotated_at: Date | null;
  children: number;
}

/**
 * A PostgreSQL cluster owned by this file is stopped and restarted under a running server: requests
 * fail fast with SERVICE_UNAVAILABLE, the process stays up, and the same process serves again once
 * the database is back. A rotation interrupted inside its transaction never leaves a token half
 * rotated (rotated without its child, or the reverse).
 */
describeWithPostgresBinaries("database outage (PostgreSQL started and stopped by this test)", (bin) => {
  let pg: OwnPostgres;
  let server: TestServer;
  let admin: Client | undefined;

  beforeAll(async () => {
    pg = await createOwnPostgres(bin);
    await pg.start();
    server = await startServer({ databaseUrl: pg.url });
  }, 30_000);

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await server?.close();
    await pg?.destroy();
  });

  /** A fresh superuser connection to the app's database (the previous one may have died in an outage). */
  async function sql<R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
    if (!admin) {
      const client = new Client({ connectionString: pg.url });
      client.on("error", () => {
        if (admin === client) admin = undefined;
      });
      await client.connect();
      admin = client;
    }
    return (await admin.query<R>(text, params)).rows;
  }

  async function tokenRow(refreshToken: string): Promise<TokenRow> {
    const [row] = await sql<{ id: string; rotated_at: Date | null; children: string }>(
      `SELECT t.id, t.rotated_at, (SELECT count(*) FROM refresh_tokens c WHERE c.parent_id = t.id) AS children
         FROM refresh_tokens t WHERE t.token_hash = $1`,
      [hashRefreshToken(refreshToken)],
    );
    if (!row) throw new Error("refresh token row not found");
    return { id: row.id, rotated_at: row.rotated_at, children: Number(row.children) };
  }

  async function stopDatabase(): Promise<void> {
    await admin?.end().catch(() => undefined);
    admin = undefined;
    await pg.stop();
  }

  const get = (path: string) => timed(() => fetch(`${server.url}${path}`));

  describe("while the database is down", () => {
    let pair: Pair;

    beforeAll(async () => {
      pair = await signup(server, "outage@example.com");
      await signup(server, "returning@example.com");
      expect((await server.gql(ME, {}, { token: pair.accessToken })).body.data?.me.email).toBe("outage@example.com");
      await stopDatabase();
      server.clock.advance(PAST_SESSION_CACHE_MS);
    });

    it("public mutations answer SERVICE_UNAVAILABLE within 2 s", async () => {
      const attempts = {
        login: await timed(() => login(server, "returning@example.com")),
        signup: await timed(() => server.gql(SIGNUP, { i: { email: "new@example.com", password: "correct horse battery" } })),
        refreshToken: await timed(() => refresh(server, pair.refreshToken)),
      };
      for (const { result, ms } of Object.values(attempts)) expectServiceUnavailable(result, ms);
    });

    it("a signed-in field with a valid token answers SERVICE_UNAVAILABLE, not UNAUTHENTICATED", async () => {
      const { result, ms } = await timed(() => server.gql(ME, {}, { token: pair.accessToken }));
      expectServiceUnavailable(result, ms);
    });

    it("/ready says 503 within 2 s while /health stays 200", async () => {
      const ready = await get("/ready");
      expect(ready.result.status).toBe(503);
      expect(await ready.result.json()).toEqual({ status: "unavailable" });
      expect(ready.ms).toBeLessThan(FAIL_FAST_MS + 500);
      const health = await get("/health");
      expect(health.result.status).toBe(200);
    });

    describe("once the database is back, the same process serves without a restart", () => {
      beforeAll(async () => {
        await pg.start();
      });

      it("/ready is 200, login works, and a token issued before the outage is still honoured", async () => {
        expect((await get("/ready")).result.status).toBe(200);
        expect((await login(server, "returning@example.com")).body.data?.login.accessToken).toEqual(expect.any(String));
        expect((await server.gql(ME, {}, { token: pair.accessToken })).body.data?.me.email).toBe("outage@example.com");
        // The refresh attempted during the outage changed nothing: the token still rotates.
        expect((await refresh(server, pair.refreshToken)).body.data?.refreshToken.refreshToken).toEqual(expect.any(String));
      });
    });
  });

  describe("a rotation that fails inside its transaction leaves the token untouched", () => {
    const trigger = (body: string) => `
      CREATE OR REPLACE FUNCTION test_interfere() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body} RETURN NEW; END $$;
      CREATE TRIGGER test_interfere BEFORE INSERT ON refresh_tokens FOR EACH ROW EXECUTE FUNCTION test_interfere();`;
    const dropTrigger = () => sql("DROP TRIGGER IF EXISTS test_interfere ON refresh_tokens; DROP FUNCTION IF EXISTS test_interfere()");

    afterEach(async () => {
      await dropTrigger();
    });

    it("when the child insert fails (after markRotated): INTERNAL_SERVER_ERROR, nothing rotated", async () => {
      const pair = await signup(server, "trigger@example.com");
      await sql(trigger("RAISE EXCEPTION 'refresh token insert refused by test';"));
      const res = await refresh(server, pair.refreshToken);
      expect(onlyError(res).extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      expect(await tokenRow(pair.refreshToken)).toMatchObject({ rotated_at: null, children: 0 });

      await dropTrigger();
      const next = await refresh(server, pair.refreshToken);
      expect(next.body.errors).toBeUndefined();
      const after = await tokenRow(pair.refreshToken);
      expect(after.rotated_at).toBeInstanceOf(Date);
      expect(after.children).toBe(1);
      // The connection that saw the failure serves later queries with their own answers.
      expect((await server.gql(ME, {}, { token: next.body.data?.refreshToken.accessToken })).body.data?.me.email).toBe(
        "trigger@example.com",
      );
    });

    it("when the database stops mid-transaction: SERVICE_UNAVAILABLE, nothing rotated, and it rotates after restart", async () => {
      const pair = await signup(server, "mid-rotation@example.com");
      await sql(trigger("PERFORM pg_sleep(3);"));
      const pending = refresh(server, pair.refreshToken).then((res) => ({ res, at: performance.now() }));
      // Wait until the rotation sits inside its transaction, past markRotated, in the child insert.
      for (let i = 0; i < 100; i++) {
        const parked = await sql("SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
        if (parked.length > 0) break;
        if (i === 99) throw new Error("the rotation never reached the child insert");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const stoppedAt = performance.now();
      await stopDatabase();
      const { res, at } = await pending;
      expectServiceUnavailable(res, at - stoppedAt);
      await pg.start();
      expect(await tokenRow(pair.refreshToken)).toMatchObject({ rotated_at: null, children: 0 });

      await dropTrigger();
      expect((await refresh(server, pair.refreshToken)).body.errors).toBeUndefined();
      const after = await tokenRow(pair.refreshToken);
      expect(after.rotated_at).toBeInstanceOf(Date);
      expect(after.children).toBe(1);
    });
  });
});
