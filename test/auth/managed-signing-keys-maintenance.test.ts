import { randomBytes } from "node:crypto";
import type { AsymmetricAlgorithm, SigningKeyRecord } from "../../src/auth";
import { rejection } from "../support/auth-fixture";
import { ADMIN_ACTOR, headerOf, managedAuth, managedAuthUnstarted, PROMOTION_DELAY_MS, statesIn, verdict } from "../support/managed-keys";
import type { MemorySigningKeyStore } from "../support/memory-stores";

const DAY = 86_400_000;

type Fixture = Awaited<ReturnType<typeof managedAuth>>;

function stored(store: MemorySigningKeyStore, state: SigningKeyRecord["state"]): SigningKeyRecord {
  const key = store.keys.find((k) => k.state === state);
  if (!key) throw new Error(`no ${state} key`);
  return key;
}

const rotations = (fx: Fixture) => fx.audit.events.filter((e) => e.type === "signing_key_rotated");

describe.each(["ES256", "RS256"] as const)("signing-key maintenance, %s", (algorithm: AsymmetricAlgorithm) => {
  it("rotates on schedule exactly once when due, as the system (audited without a user)", async () => {
    const fx = await managedAuth(algorithm, { rotationMs: DAY });
    const [current, next] = [stored(fx.store, "CURRENT"), stored(fx.store, "NEXT")];
    fx.clock.advance(DAY - 1);
    await fx.auth.keys.maintain();
    expect(rotations(fx)).toEqual([]);
    fx.clock.advance(1);
    await fx.auth.keys.maintain();
    await fx.auth.keys.maintain();
    const newNext = stored(fx.store, "NEXT");
    expect(await statesIn(fx.store)).toEqual({ [current.kid]: "PREVIOUS", [next.kid]: "CURRENT", [newNext.kid]: "NEXT" });
    expect(rotations(fx)).toEqual([
      expect.objectContaining({ userId: null, userAgent: "signing-key-maintenance", detail: { kid: next.kid, previousKid: current.kid, nextKid: newNext.kid } }),
    ]);
    // The schedule restarts from the new key's activation.
    fx.clock.advance(DAY - 1);
    await fx.auth.keys.maintain();
    expect(rotations(fx)).toHaveLength(1);
    fx.clock.advance(1);
    await fx.auth.keys.maintain();
    expect(rotations(fx)).toHaveLength(2);
  });

  it("an overdue scheduled rotation waits until the NEXT key is promotable", async () => {
    const fx = await managedAuth(algorithm, { rotationMs: DAY });
    // A NEXT key replaced a minute before the rotation falls due has its own publication delay.
    fx.clock.advance(DAY - 60_000);
    await fx.auth.keys.revoke(stored(fx.store, "NEXT").kid, ADMIN_ACTOR);
    const next = stored(fx.store, "NEXT");
    fx.clock.advance(60_000);
    await fx.auth.keys.maintain();
    fx.clock.set(new Date(next.createdAt.getTime() + PROMOTION_DELAY_MS - 1));
    await fx.auth.keys.maintain();
    expect(rotations(fx)).toEqual([]);
    fx.clock.advance(1);
    await fx.auth.keys.maintain();
    expect(rotations(fx)).toHaveLength(1);
    expect(stored(fx.store, "CURRENT").kid).toBe(next.kid);
  });

  it("two instances maintaining at the same moment rotate once between them", async () => {
    const a = await managedAuth(algorithm, { rotationMs: DAY });
    const b = await managedAuth(algorithm, { rotationMs: DAY, store: a.store, shared: a });
    a.clock.advance(DAY);
    await Promise.all([a.auth.keys.maintain(), b.auth.keys.maintain(), a.auth.keys.maintain(), b.auth.keys.maintain()]);
    expect(Object.values(await statesIn(a.store)).sort()).toEqual(["CURRENT", "NEXT", "PREVIOUS"]);
    expect([...rotations(a), ...rotations(b)].filter((e, i, all) => all.indexOf(e) === i)).toHaveLength(1);
  });

  it("maintain() makes a NEXT key when there is none (removed by hand)", async () => {
    const fx = await managedAuth(algorithm);
    const current = stored(fx.store, "CURRENT");
    fx.store.keys = fx.store.keys.filter((k) => k.state !== "NEXT");
    await fx.auth.keys.maintain();
    expect(Object.values(await statesIn(fx.store)).sort()).toEqual(["CURRENT", "NEXT"]);
    expect(stored(fx.store, "CURRENT").kid).toBe(current.kid);
  });

  it("every key it makes is audited as signing_key_created once (first start, rotation, revocations)", async () => {
    const fx = await managedAuth(algorithm);
    fx.clock.advance(PROMOTION_DELAY_MS);
    await fx.auth.keys.rotate(ADMIN_ACTOR);
    await fx.auth.keys.revoke(stored(fx.store, "CURRENT").kid, ADMIN_ACTOR);
    await fx.auth.keys.revoke(stored(fx.store, "NEXT").kid, ADMIN_ACTOR);
    const created = fx.audit.events.filter((e) => e.type === "signing_key_created").map((e) => e.detail?.kid);
    expect(created.sort()).toEqual(fx.store.keys.map((k) => k.kid).sort());
    expect(fx.store.keys).toHaveLength(5);
  });
});

describe("sealed private keys", () => {
  it("a sealed key copied onto another kid's row does not open: a start fails, naming KEY_ENCRYPTION_KEY", async () => {
    const fx = await managedAuth("ES256");
    const signed = (await fx.signup()).accessToken;
    const current = stored(fx.store, "CURRENT");
    // A database writer makes the CURRENT row carry the NEXT key's private part (a key they might know).
    current.sealedPrivateKey = stored(fx.store, "NEXT").sealedPrivateKey;
    const restarted = managedAuthUnstarted("ES256", { store: fx.store, shared: fx });
    await expect(restarted.auth.keys.start()).rejects.toThrow(
      `KEY_ENCRYPTION_KEY does not open signing key ${current.kid}: set the KEY_ENCRYPTION_KEY the keys were sealed with`,
    );
    // Nothing was signed or published by the instance that refused to start.
    expect(JSON.parse(restarted.auth.keys.jwks().body)).toEqual({ keys: [] });
    expect(await verdict(restarted.auth, signed)).toBe("TOKEN_INVALID");
  });

  it("keys sealed under another KEY_ENCRYPTION_KEY do not open: a start fails with the fix-it message", async () => {
    const fx = await managedAuth("RS256");
    const other = managedAuthUnstarted("RS256", { store: fx.store, kek: randomBytes(32) });
    await expect(other.auth.keys.start()).rejects.toThrow(/^KEY_ENCRYPTION_KEY does not open signing key .+: set the KEY_ENCRYPTION_KEY the keys were sealed with$/);
  });
});

describe("changing JWT_ALGORITHM on a database that holds keys", () => {
  it.each([
    ["ES256", "RS256"],
    ["RS256", "ES256"],
  ] as const)("%s → %s is a rotation: the old key signs until a NEXT key of the new algorithm is promotable, and its tokens keep verifying", async (from, to) => {
    const before = await managedAuth(from);
    const oldToken = (await before.signup("before@example.com")).accessToken;
    const [oldCurrent, oldNext] = [stored(before.store, "CURRENT"), stored(before.store, "NEXT")];
    before.clock.advance(60_000);
    const fx = await managedAuth(to, { store: before.store, shared: before });
    // Nothing breaks at the restart: the old key still signs and verifies.
    const during = (await fx.signup("during@example.com")).accessToken;
    expect(headerOf(during)).toMatchObject({ alg: from, kid: oldCurrent.kid });
    expect(await verdict(fx.auth, oldToken)).toBe("accepted");
    // The NEXT key of the old algorithm never signed: it is replaced by one of the new algorithm.
    const next = stored(fx.store, "NEXT");
    expect(next.algorithm).toBe(to);
    expect(await statesIn(fx.store)).toEqual({ [oldCurrent.kid]: "CURRENT", [oldNext.kid]: "REVOKED", [next.kid]: "NEXT" });
    expect(JSON.parse(fx.auth.keys.jwks().body).keys.map((k: { alg: string }) => k.alg).sort()).toEqual([from, to].sort());
    // Once verifiers can have fetched it, maintenance switches, as a scheduled rotation would.
    fx.clock.set(new Date(next.createdAt.getTime() + PROMOTION_DELAY_MS - 1));
    await fx.auth.keys.maintain();
    expect(stored(fx.store, "CURRENT").kid).toBe(oldCurrent.kid);
    fx.clock.advance(1);
    await fx.auth.keys.maintain();
    expect(stored(fx.store, "CURRENT").kid).toBe(next.kid);
    const after = (await fx.signup("after@example.com")).accessToken;
    expect(headerOf(after)).toMatchObject({ alg: to, kid: next.kid });
    for (const token of [oldToken, during, after]) expect(await verdict(fx.auth, token)).toBe("accepted");
    expect(stored(fx.store, "NEXT").algorithm).toBe(to);
  });

  it("a rotation asked for while the NEXT key is of the old algorithm replaces that key instead of promoting it", async () => {
    const before = await managedAuth("ES256");
    before.clock.advance(PROMOTION_DELAY_MS);
    const oldNext = stored(before.store, "NEXT");
    // Not started: as if an instance still on ES256 had just made this NEXT key.
    const fx = managedAuthUnstarted("RS256", { store: before.store, shared: before });
    expect(await rejection(fx.auth.keys.rotate(ADMIN_ACTOR))).toMatchObject({ reason: "ROTATION_TOO_EARLY", retryAfter: PROMOTION_DELAY_MS / 1000 });
    expect((await statesIn(fx.store))[oldNext.kid]).toBe("REVOKED");
    expect(stored(fx.store, "NEXT").algorithm).toBe("RS256");
    expect(stored(fx.store, "CURRENT").algorithm).toBe("ES256");
  });
});

describe("rows that do not make a valid key", () => {
  it("are left out and reported, and never freeze the ring: a later revocation still applies", async () => {
    const fx = await managedAuth("ES256");
    const token = (await fx.signup()).accessToken;
    const next = stored(fx.store, "NEXT");
    // A writer swaps the NEXT row's public key for one of their own (its kid no longer matches).
    next.publicJwk = { ...stored(fx.store, "CURRENT").publicJwk, kid: next.kid };
    const restarted = managedAuthUnstarted("ES256", { store: fx.store, shared: fx });
    await restarted.auth.keys.start();
    const published = (JSON.parse(restarted.auth.keys.jwks().body) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    expect(published).toEqual([stored(fx.store, "CURRENT").kid]);
    expect(await verdict(restarted.auth, token)).toBe("accepted");
    // Its ring still follows the table: a revocation made elsewhere applies at its next read.
    await fx.auth.keys.revoke(stored(fx.store, "CURRENT").kid, ADMIN_ACTOR);
    await restarted.auth.keys.reload();
    expect(await verdict(restarted.auth, token)).toBe("TOKEN_INVALID");
  });

  it("a change still reaches the audit trail when re-reading afterwards fails", async () => {
    const fx = await managedAuth("ES256");
    const kid = stored(fx.store, "CURRENT").kid;
    const list = fx.store.list.bind(fx.store);
    let failNextList = false;
    fx.store.list = async () => {
      if (failNextList) throw new Error("database blip");
      return list();
    };
    const apply = fx.store.apply.bind(fx.store);
    fx.store.apply = async (change) => {
      const applied = await apply(change);
      failNextList = true;
      return applied;
    };
    await expect(fx.auth.keys.revoke(kid, ADMIN_ACTOR)).rejects.toThrow("database blip");
    expect(stored(fx.store, "REVOKED").kid).toBe(kid);
    expect(fx.audit.events.filter((e) => e.type === "signing_key_revoked").map((e) => e.detail?.kid)).toEqual([kid]);
  });
});

describe("a key set that could not be re-read", () => {
  it("is served as stale once older than the reload interval plus the clock tolerance, and fresh again after a read", async () => {
    const fx = await managedAuth("ES256");
    expect(fx.auth.keys.jwks().stale).toBeUndefined();
    // 30 s reload interval + 5 s tolerance: the promotion delay counts on no view older than that.
    fx.clock.advance(35_000);
    expect(fx.auth.keys.jwks().stale).toBeUndefined();
    fx.clock.advance(1);
    expect(fx.auth.keys.jwks().stale).toBe(true);
    await fx.auth.keys.reload();
    expect(fx.auth.keys.jwks().stale).toBeUndefined();
  });
});
