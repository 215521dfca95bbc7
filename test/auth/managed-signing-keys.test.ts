import type { AsymmetricAlgorithm, SigningKeyRecord } from "../../src/auth";
import { rejection, T0 } from "../support/auth-fixture";
import {
  ADMIN_ACTOR,
  headerOf,
  kidOf,
  managedAuth,
  PREVIOUS_RETENTION_MS,
  PROMOTION_DELAY_MS,
  publishedKeys,
  statesIn,
  verdict,
} from "../support/managed-keys";
import { MemorySigningKeyStore } from "../support/memory-stores";

type Fixture = Awaited<ReturnType<typeof managedAuth>>;

async function keyIn(store: MemorySigningKeyStore, state: SigningKeyRecord["state"]): Promise<SigningKeyRecord> {
  const key = (await store.list()).find((k) => k.state === state);
  if (!key) throw new Error(`no ${state} key`);
  return key;
}

const auditOf = (fx: Fixture, type: string) => fx.audit.events.filter((e) => e.type === type);

/** The life cycle through the auth core, with a fixed clock: every boundary is hit exactly. */
describe.each(["ES256", "RS256"] as const)("managed signing keys, %s", (algorithm: AsymmetricAlgorithm) => {
  let n = 0;
  const token = async (fx: Fixture) => (await fx.signup(`keys-${algorithm}-${++n}@example.com`)).accessToken;

  /** A started core whose keys rotated once: `old` was signed by what is now PREVIOUS. */
  async function rotatedOnce() {
    const fx = await managedAuth(algorithm);
    const [current, next] = [await keyIn(fx.store, "CURRENT"), await keyIn(fx.store, "NEXT")];
    const old = await token(fx);
    fx.clock.advance(PROMOTION_DELAY_MS);
    await fx.auth.keys.rotate(ADMIN_ACTOR);
    return { fx, current, next, old, newNext: await keyIn(fx.store, "NEXT") };
  }

  it("a first start creates a CURRENT and a NEXT key, publishes both, and signs with the CURRENT one", async () => {
    const fx = await managedAuth(algorithm);
    const [current, next] = [await keyIn(fx.store, "CURRENT"), await keyIn(fx.store, "NEXT")];
    expect(await fx.store.list()).toHaveLength(2);
    expect(current).toMatchObject({ algorithm, createdAt: T0, activatedAt: T0, retiredAt: null, revokedAt: null });
    expect(next).toMatchObject({ algorithm, createdAt: T0, activatedAt: null, retiredAt: null, revokedAt: null });
    for (const key of [current, next]) expect(key.sealedPrivateKey).toMatch(/^v1\./);
    const signed = await token(fx);
    expect(headerOf(signed)).toEqual({ alg: algorithm, typ: "at+jwt", kid: current.kid });
    expect(await verdict(fx.auth, signed)).toBe("accepted");
    const published = publishedKeys(fx.auth);
    expect(published.map((k) => k.kid).sort()).toEqual([current.kid, next.kid].sort());
    for (const jwk of published) {
      expect(jwk).toMatchObject({ kty: algorithm === "ES256" ? "EC" : "RSA", alg: algorithm, use: "sig" });
      // Public members only: never d, p, q, dp, dq, qi.
      expect(Object.keys(jwk).sort()).toEqual(algorithm === "ES256" ? ["alg", "crv", "kid", "kty", "use", "x", "y"] : ["alg", "e", "kid", "kty", "n", "use"]);
    }
    // A second instance (or a restart) on the same keys makes none of its own.
    const again = await managedAuth(algorithm, { store: fx.store, shared: fx });
    expect(await again.store.list()).toEqual([current, next].sort((a, b) => (a.kid < b.kid ? -1 : 1)));
    expect(await verdict(again.auth, signed)).toBe("accepted");
  });

  it("refuses a rotation until the NEXT key has been published for the promotion delay, saying how long to wait", async () => {
    const fx = await managedAuth(algorithm);
    const before = await fx.store.list();
    expect(await rejection(fx.auth.keys.rotate(ADMIN_ACTOR))).toMatchObject({ code: "BAD_USER_INPUT", reason: "ROTATION_TOO_EARLY", retryAfter: 635 });
    fx.clock.advance(PROMOTION_DELAY_MS - 1);
    expect(await rejection(fx.auth.keys.rotate(ADMIN_ACTOR))).toMatchObject({ code: "BAD_USER_INPUT", reason: "ROTATION_TOO_EARLY", retryAfter: 1 });
    expect(await fx.store.list()).toEqual(before);
    expect(auditOf(fx, "signing_key_rotated")).toEqual([]);
    fx.clock.advance(1);
    const next = await keyIn(fx.store, "NEXT");
    expect(await fx.auth.keys.rotate(ADMIN_ACTOR)).toMatchObject({ kid: next.kid, state: "CURRENT", activatedAt: fx.clock.now() });
  });

  it("after the delay, rotates: new tokens carry the new kid, old ones still verify, and NEXT, CURRENT and PREVIOUS are published", async () => {
    const { fx, current, next, old, newNext } = await rotatedOnce();
    expect(await statesIn(fx.store)).toEqual({ [current.kid]: "PREVIOUS", [next.kid]: "CURRENT", [newNext.kid]: "NEXT" });
    expect(await verdict(fx.auth, old)).toBe("accepted");
    const fresh = await token(fx);
    expect(kidOf(fresh)).toBe(next.kid);
    expect(await verdict(fx.auth, fresh)).toBe("accepted");
    expect(publishedKeys(fx.auth).map((k) => k.kid).sort()).toEqual([current.kid, next.kid, newNext.kid].sort());
    const views = await fx.auth.keys.list();
    const now = fx.clock.now().getTime();
    expect(views.find((v) => v.kid === current.kid)).toMatchObject({ state: "PREVIOUS", retiredAt: new Date(now), retiresAt: new Date(now + PREVIOUS_RETENTION_MS) });
    expect(views.find((v) => v.kid === newNext.kid)).toMatchObject({ state: "NEXT", promotableAt: new Date(now + PROMOTION_DELAY_MS) });
    expect(auditOf(fx, "signing_key_rotated")).toEqual([
      expect.objectContaining({ userId: ADMIN_ACTOR.userId, detail: { kid: next.kid, previousKid: current.kid, nextKid: newNext.kid } }),
    ]);
  });

  it("retires a PREVIOUS key at exactly its retention on maintain(): it leaves the key set, loses its private key, and is audited once", async () => {
    const { fx, current, old } = await rotatedOnce();
    fx.clock.advance(PREVIOUS_RETENTION_MS - 1);
    await fx.auth.keys.maintain();
    expect((await statesIn(fx.store))[current.kid]).toBe("PREVIOUS");
    expect(publishedKeys(fx.auth).map((k) => k.kid)).toContain(current.kid);
    // Its key still verifies: the token is refused only for its age.
    expect(await verdict(fx.auth, old)).toBe("TOKEN_EXPIRED");
    fx.clock.advance(1);
    await fx.auth.keys.maintain();
    expect((await fx.store.list()).find((k) => k.kid === current.kid)).toMatchObject({ state: "REVOKED", revokedAt: fx.clock.now(), sealedPrivateKey: null });
    expect(publishedKeys(fx.auth).map((k) => k.kid)).not.toContain(current.kid);
    expect(await verdict(fx.auth, old)).toBe("TOKEN_INVALID");
    await fx.auth.keys.maintain();
    expect(auditOf(fx, "signing_key_retired").map((e) => e.detail)).toEqual([{ kid: current.kid }]);
  });

  it("revoking the PREVIOUS key ends its valid tokens at once; a second revoke says false, an unknown kid UNKNOWN_KEY", async () => {
    const { fx, current, next, old } = await rotatedOnce();
    const fresh = await token(fx);
    const dropped = jest.fn();
    fx.auth.keys.onKeyDropped(dropped);
    expect(await fx.auth.keys.revoke(current.kid, ADMIN_ACTOR)).toBe(true);
    expect(await verdict(fx.auth, old)).toBe("TOKEN_INVALID");
    expect(dropped).toHaveBeenCalledTimes(1);
    expect(await verdict(fx.auth, fresh)).toBe("accepted");
    expect(kidOf(await token(fx))).toBe(next.kid);
    expect((await fx.store.list()).find((k) => k.kid === current.kid)).toMatchObject({ state: "REVOKED", revokedAt: fx.clock.now(), sealedPrivateKey: null });
    expect(publishedKeys(fx.auth).map((k) => k.kid)).not.toContain(current.kid);
    expect(auditOf(fx, "signing_key_revoked")).toEqual([
      expect.objectContaining({ userId: ADMIN_ACTOR.userId, detail: { kid: current.kid, state: "PREVIOUS" } }),
    ]);
    expect(await fx.auth.keys.revoke(current.kid, ADMIN_ACTOR)).toBe(false);
    expect(await rejection(fx.auth.keys.revoke("no-such-kid", ADMIN_ACTOR))).toMatchObject({ code: "BAD_USER_INPUT", reason: "UNKNOWN_KEY" });
    expect(auditOf(fx, "signing_key_revoked")).toHaveLength(1);
  });

  it("revoking the CURRENT key, even before the delay, hands signing to NEXT, makes a new NEXT, and ends the old tokens", async () => {
    const fx = await managedAuth(algorithm);
    const [current, next] = [await keyIn(fx.store, "CURRENT"), await keyIn(fx.store, "NEXT")];
    const old = await token(fx);
    expect(await fx.auth.keys.revoke(current.kid, ADMIN_ACTOR)).toBe(true);
    expect(await verdict(fx.auth, old)).toBe("TOKEN_INVALID");
    const newNext = await keyIn(fx.store, "NEXT");
    expect(await statesIn(fx.store)).toEqual({ [current.kid]: "REVOKED", [next.kid]: "CURRENT", [newNext.kid]: "NEXT" });
    const fresh = await token(fx);
    expect(kidOf(fresh)).toBe(next.kid);
    expect(await verdict(fx.auth, fresh)).toBe("accepted");
    expect(publishedKeys(fx.auth).map((k) => k.kid).sort()).toEqual([next.kid, newNext.kid].sort());
    expect(auditOf(fx, "signing_key_revoked").map((e) => e.detail)).toEqual([{ kid: current.kid, state: "CURRENT" }]);
  });

  it("revoking the NEXT key replaces it; the CURRENT key keeps signing and its tokens stay valid", async () => {
    const fx = await managedAuth(algorithm);
    const [current, next] = [await keyIn(fx.store, "CURRENT"), await keyIn(fx.store, "NEXT")];
    const signed = await token(fx);
    expect(await fx.auth.keys.revoke(next.kid, ADMIN_ACTOR)).toBe(true);
    const newNext = await keyIn(fx.store, "NEXT");
    expect(await statesIn(fx.store)).toEqual({ [current.kid]: "CURRENT", [next.kid]: "REVOKED", [newNext.kid]: "NEXT" });
    expect(await verdict(fx.auth, signed)).toBe("accepted");
    expect(kidOf(await token(fx))).toBe(current.kid);
    // The replacement starts its own publication delay.
    expect((await fx.auth.keys.list()).find((v) => v.kid === newNext.kid)?.promotableAt).toEqual(new Date(fx.clock.now().getTime() + PROMOTION_DELAY_MS));
  });
});

/** Reads that take a timer's turn, as a database's do: what happens "in the background" shows. */
class SlowStore extends MemorySigningKeyStore {
  override async list(): Promise<SigningKeyRecord[]> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return super.list();
  }
}

describe("revocation with a slow store", () => {
  it("revoke() returns only once this instance refuses the key's tokens", async () => {
    const fx = await managedAuth("ES256", { store: new SlowStore() });
    const current = await keyIn(fx.store, "CURRENT");
    const old = (await fx.signup()).accessToken;
    expect(await fx.auth.keys.revoke(current.kid, ADMIN_ACTOR)).toBe(true);
    expect(await verdict(fx.auth, old)).toBe("TOKEN_INVALID");
  });
});
