import { randomBytes } from "node:crypto";
import { type Database, migrate, openDatabase, PrismaSigningKeyStore } from "../../src/db";
import { PostgresTransport } from "../../src/events";
import { rejection, silentLogger } from "../support/auth-fixture";
import { ADMIN_ACTOR, kidOf, managedAuth, managedAuthUnstarted, PROMOTION_DELAY_MS, verdict } from "../support/managed-keys";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";

type Instance = Awaited<ReturnType<typeof managedAuth<PrismaSigningKeyStore>>>;

/**
 * Attacks on the key life cycle across instances: two auth cores, each with its own connection
 * pool to one PostgreSQL database, and (unless said otherwise) one event channel between them.
 */
describeWithPostgres("signing keys shared by two instances on PostgreSQL", () => {
  let fresh: TestDatabase;
  const opened: Database[] = [];
  const transports: PostgresTransport[] = [];
  let channel: string;

  beforeEach(async () => {
    fresh = await createTestDatabase();
    const db = await open();
    await migrate(db);
    channel = `test_keys_${randomBytes(6).toString("hex")}`;
  });
  afterEach(async () => {
    for (const transport of transports.splice(0)) await transport.close();
    for (const db of opened.splice(0)) await db.close();
    await fresh.drop();
  });

  async function open(): Promise<Database> {
    const db = await openDatabase(fresh.url);
    opened.push(db);
    return db;
  }

  async function bus(): Promise<PostgresTransport> {
    const transport = new PostgresTransport({ connectionString: fresh.url, channel, logger: silentLogger });
    transports.push(transport);
    return transport;
  }

  /** An instance of its own (pool, bus connection), sharing the clock and user stores of `peer`. */
  async function instance(options: { peer?: Instance; withBus?: boolean; start?: boolean } = {}): Promise<Instance> {
    const store = new PrismaSigningKeyStore((await open()).prisma);
    const transport = options.withBus === false ? undefined : await bus();
    const fx = await managedAuth("ES256", { store, transport, shared: options.peer });
    if (transport) expect(await transport.listening(5_000)).toBe(true);
    return fx;
  }

  /** Polls until `instance` gives `expected` for `token`; returns how long that took. */
  async function within(fx: Instance, token: string, expected: string, boundMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const seen = await verdict(fx.auth, token);
      const elapsed = Date.now() - started;
      if (seen === expected) return elapsed;
      if (elapsed > boundMs) throw new Error(`still ${seen} after ${elapsed} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it("two instances starting at once on an empty database agree on one CURRENT and one NEXT key", async () => {
    const store = async () => new PrismaSigningKeyStore((await open()).prisma);
    const one = managedAuthUnstarted("ES256", { store: await store() });
    const two = managedAuthUnstarted("ES256", { store: await store(), shared: one });
    await Promise.all([one.auth.keys.start(), two.auth.keys.start()]);
    expect((await one.store.list()).map((k) => k.state).sort()).toEqual(["CURRENT", "NEXT"]);
    expect(kidOf((await one.signup("one@example.com")).accessToken)).toBe(kidOf((await two.signup("two@example.com")).accessToken));
  });

  it("50 concurrent rotations split across both instances: exactly one happens, and each verifies the other's tokens", async () => {
    const a = await instance();
    const b = await instance({ peer: a });
    const before = await a.signup("before@example.com");
    a.clock.advance(PROMOTION_DELAY_MS);
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).auth.keys.rotate(ADMIN_ACTOR)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") expect(outcome.reason).toMatchObject({ code: "BAD_USER_INPUT", reason: "ROTATION_TOO_EARLY" });
    }
    const keys = await a.store.list();
    expect(keys.map((k) => k.state).sort()).toEqual(["CURRENT", "NEXT", "PREVIOUS"]);
    expect(a.audit.events.filter((e) => e.type === "signing_key_rotated")).toHaveLength(1);
    const current = keys.find((k) => k.state === "CURRENT")?.kid;
    const fromA = (await a.signup("a@example.com")).accessToken;
    expect(kidOf(fromA)).toBe(current);
    // B signs with the new key once it has heard of the rotation (at once if it lost a race itself).
    let fromB: string | null = null;
    for (let i = 0; i < 50 && !fromB; i++) {
      const token = (await b.signup(`b${i}@example.com`)).accessToken;
      if (kidOf(token) === current) fromB = token;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!fromB) throw new Error("B never signed with the new CURRENT key");
    for (const fx of [a, b]) {
      for (const token of [before.accessToken, fromA, fromB]) expect(await verdict(fx.auth, token)).toBe("accepted");
    }
  });

  it("a revocation on A is enforced by B within a second (over the bus)", async () => {
    const a = await instance();
    const b = await instance({ peer: a });
    const token = (await a.signup()).accessToken;
    expect(await verdict(b.auth, token)).toBe("accepted");
    expect(await a.auth.keys.revoke(kidOf(token), ADMIN_ACTOR)).toBe(true);
    expect(await verdict(a.auth, token)).toBe("TOKEN_INVALID");
    expect(await within(b, token, "TOKEN_INVALID", 1_000)).toBeLessThan(1_000);
    // B signs with the key that replaced it, and A accepts that.
    const after = (await b.signup("after@example.com")).accessToken;
    expect(kidOf(after)).not.toBe(kidOf(token));
    expect(await verdict(a.auth, after)).toBe("accepted");
  });

  it("without the bus, B enforces A's revocation at its next periodic reload (maintain)", async () => {
    const a = await instance({ withBus: false });
    const b = await instance({ peer: a, withBus: false });
    const token = (await a.signup()).accessToken;
    expect(await a.auth.keys.revoke(kidOf(token), ADMIN_ACTOR)).toBe(true);
    // The bound without events: B's view is as old as its last reload.
    expect(await verdict(b.auth, token)).toBe("accepted");
    await b.auth.keys.maintain();
    expect(await verdict(b.auth, token)).toBe("TOKEN_INVALID");
    expect(kidOf((await b.signup("after@example.com")).accessToken)).not.toBe(kidOf(token));
  });

  it("a restart (a new core on the same database) keeps verifying the tokens issued before it, PREVIOUS ones included", async () => {
    const a = await instance({ withBus: false });
    const old = (await a.signup("old@example.com")).accessToken;
    a.clock.advance(PROMOTION_DELAY_MS);
    await a.auth.keys.rotate(ADMIN_ACTOR);
    const recent = (await a.signup("recent@example.com")).accessToken;
    const restarted = await instance({ peer: a, withBus: false });
    expect(await verdict(restarted.auth, old)).toBe("accepted");
    expect(await verdict(restarted.auth, recent)).toBe("accepted");
    expect(kidOf((await restarted.signup("new@example.com")).accessToken)).toBe(kidOf(recent));
    expect((await restarted.store.list()).map((k) => k.state).sort()).toEqual(["CURRENT", "NEXT", "PREVIOUS"]);
    expect(await rejection(restarted.auth.keys.rotate(ADMIN_ACTOR))).toMatchObject({ reason: "ROTATION_TOO_EARLY" });
  });

  it("the CURRENT key revoked from both instances at once: one revocation, one new CURRENT, its tokens refused on both", async () => {
    const a = await instance();
    const b = await instance({ peer: a });
    const token = (await a.signup()).accessToken;
    const results = await Promise.all([a.auth.keys.revoke(kidOf(token), ADMIN_ACTOR), b.auth.keys.revoke(kidOf(token), ADMIN_ACTOR)]);
    expect(results.sort()).toEqual([false, true]);
    const keys = await a.store.list();
    expect(keys.map((k) => k.state).sort()).toEqual(["CURRENT", "NEXT", "REVOKED"]);
    for (const fx of [a, b]) expect(await verdict(fx.auth, token)).toBe("TOKEN_INVALID");
  });

  it("a rotation racing a revocation of the CURRENT key: whichever wins, that key ends REVOKED and one CURRENT signs", async () => {
    const a = await instance();
    const b = await instance({ peer: a });
    const token = (await a.signup()).accessToken;
    a.clock.advance(PROMOTION_DELAY_MS);
    const [rotated, revoked] = await Promise.allSettled([a.auth.keys.rotate(ADMIN_ACTOR), b.auth.keys.revoke(kidOf(token), ADMIN_ACTOR)]);
    expect(revoked).toEqual({ status: "fulfilled", value: true });
    if (rotated.status === "rejected") expect(rotated.reason).toMatchObject({ reason: "ROTATION_TOO_EARLY" });
    const keys = await a.store.list();
    expect(keys.find((k) => k.kid === kidOf(token))).toMatchObject({ state: "REVOKED", sealedPrivateKey: null });
    expect(keys.filter((k) => k.state === "CURRENT")).toHaveLength(1);
    expect(keys.filter((k) => k.state === "NEXT")).toHaveLength(1);
    // At once where it was revoked; on A as soon as the event arrives.
    expect(await verdict(b.auth, token)).toBe("TOKEN_INVALID");
    expect(await within(a, token, "TOKEN_INVALID", 1_000)).toBeLessThan(1_000);
    for (const fx of [a, b]) {
      const fresh = (await fx.signup(`${fx === a ? "a" : "b"}@example.com`)).accessToken;
      expect(kidOf(fresh)).toBe(keys.find((k) => k.state === "CURRENT")?.kid);
      expect(await verdict(fx.auth, fresh)).toBe("accepted");
    }
  });

  it("without the bus, B learns a signing key it never saw from the first token that names it", async () => {
    const a = await instance({ withBus: false });
    const b = await instance({ peer: a, withBus: false });
    // Two revocations on A: its CURRENT key is now one made after B last read the keys.
    await a.auth.keys.revoke((await a.store.list()).find((k) => k.state === "CURRENT")?.kid ?? "", ADMIN_ACTOR);
    await a.auth.keys.revoke((await a.store.list()).find((k) => k.state === "CURRENT")?.kid ?? "", ADMIN_ACTOR);
    const token = (await a.signup()).accessToken;
    expect(b.auth.keys.jwks().body).not.toContain(kidOf(token));
    // The unknown kid makes B re-read the keys (at most once a second); the token is then accepted.
    expect(await within(b, token, "accepted", 1_000)).toBeLessThan(1_000);
  });
});
