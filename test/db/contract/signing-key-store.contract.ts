import { generateKeyPairSync, randomBytes } from "node:crypto";
import {
  type AsymmetricAlgorithm,
  jwkThumbprint,
  KeyCipher,
  type KeyChange,
  publicJwkOf,
  type SigningKeyRecord,
  type SigningKeyState,
  type SigningKeyStore,
} from "../../../src/auth";
import { at } from "./fixtures";

export interface SigningKeyStoreHarness {
  store: SigningKeyStore;
  close(): Promise<void>;
}

const cipher = new KeyCipher(randomBytes(32));

/** A real key pair as ManagedSigningKeys stores one (thumbprint kid, public JWK, sealed PKCS#8). */
function keyRecord(state: SigningKeyState, createdMinute: number, algorithm: AsymmetricAlgorithm = "ES256"): SigningKeyRecord {
  const { privateKey, publicKey } = algorithm === "ES256"
    ? generateKeyPairSync("ec", { namedCurve: "P-256" })
    : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = jwkThumbprint(publicKey);
  const revoked = state === "REVOKED";
  return {
    kid,
    algorithm,
    state,
    publicJwk: publicJwkOf(publicKey, kid, algorithm),
    sealedPrivateKey: revoked ? null : cipher.seal(kid, privateKey.export({ format: "der", type: "pkcs8" })),
    createdAt: at(createdMinute),
    activatedAt: state === "NEXT" ? null : at(createdMinute + 1),
    retiredAt: state === "PREVIOUS" || revoked ? at(createdMinute + 2) : null,
    revokedAt: revoked ? at(createdMinute + 3) : null,
  };
}

const create = (...created: SigningKeyRecord[]): KeyChange => ({ transitions: [], created });

/** What a rotation writes: CURRENT → PREVIOUS, NEXT → CURRENT, a new NEXT. */
function rotationOf(current: SigningKeyRecord, next: SigningKeyRecord, minute: number): KeyChange {
  return {
    transitions: [
      { kid: current.kid, from: "CURRENT", to: "PREVIOUS", at: at(minute) },
      { kid: next.kid, from: "NEXT", to: "CURRENT", at: at(minute) },
    ],
    created: [keyRecord("NEXT", minute)],
  };
}

/**
 * The contract ManagedSigningKeys relies on. "One CURRENT, one NEXT" spans the whole table, so
 * every test opens its own empty store.
 */
export function signingKeyStoreContract(name: string, open: () => Promise<SigningKeyStoreHarness>): void {
  describe(`signing-key store contract: ${name}`, () => {
    let harness: SigningKeyStoreHarness | undefined;
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    const store = (): SigningKeyStore => {
      if (!harness) throw new Error("signing-key store failed to open; see the beforeEach error");
      return harness.store;
    };

    /** A first start's keys: CURRENT and NEXT. */
    async function started(): Promise<{ current: SigningKeyRecord; next: SigningKeyRecord }> {
      const current = keyRecord("CURRENT", 0);
      const next = keyRecord("NEXT", 1);
      expect(await store().apply(create(current, next))).toBe(true);
      return { current, next };
    }

    roundTrip(store);
    transitions(store, started);
    refusals(store, started);
    concurrency(store, started);
  });
}

function roundTrip(store: () => SigningKeyStore): void {
  it("starts empty, and gives back every field of every key, oldest first", async () => {
    expect(await store().list()).toEqual([]);
    const keys = [keyRecord("REVOKED", 0), keyRecord("PREVIOUS", 10, "RS256"), keyRecord("CURRENT", 20), keyRecord("NEXT", 30, "RS256")];
    // Inserted newest first: the order comes from createdAt, not insertion.
    expect(await store().apply(create(...[...keys].reverse()))).toBe(true);
    const listed = await store().list();
    expect(listed).toEqual(keys);
    expect(listed.map((k) => Object.keys(k.publicJwk).sort())).toEqual([
      ["alg", "crv", "kid", "kty", "use", "x", "y"],
      ["alg", "e", "kid", "kty", "n", "use"],
      ["alg", "crv", "kid", "kty", "use", "x", "y"],
      ["alg", "e", "kid", "kty", "n", "use"],
    ]);
  });

  it("hands out copies: changing a listed key changes nothing stored", async () => {
    const key = keyRecord("CURRENT", 0);
    await store().apply(create(key));
    const [listed] = await store().list();
    if (!listed) throw new Error("no key listed");
    listed.state = "REVOKED";
    listed.publicJwk.kid = "changed";
    listed.createdAt.setTime(0);
    expect(await store().list()).toEqual([key]);
  });
}

function transitions(store: () => SigningKeyStore, started: () => Promise<{ current: SigningKeyRecord; next: SigningKeyRecord }>): void {
  it("a rotation in one change: CURRENT → PREVIOUS sets retiredAt, NEXT → CURRENT sets activatedAt, the new NEXT is inserted", async () => {
    const { current, next } = await started();
    const change = rotationOf(current, next, 10);
    expect(await store().apply(change)).toBe(true);
    expect(await store().list()).toEqual([
      { ...current, state: "PREVIOUS", retiredAt: at(10) },
      { ...next, state: "CURRENT", activatedAt: at(10) },
      change.created[0],
    ]);
  });

  it.each(["NEXT", "CURRENT", "PREVIOUS"] as const)("%s → REVOKED sets revokedAt and erases the private key (nothing else)", async (from) => {
    const key = keyRecord(from, 0);
    await store().apply(create(key));
    expect(key.sealedPrivateKey).not.toBeNull();
    expect(await store().apply({ transitions: [{ kid: key.kid, from, to: "REVOKED", at: at(5) }], created: [] })).toBe(true);
    expect(await store().list()).toEqual([{ ...key, state: "REVOKED", revokedAt: at(5), sealedPrivateKey: null }]);
  });
}

function refusals(store: () => SigningKeyStore, started: () => Promise<{ current: SigningKeyRecord; next: SigningKeyRecord }>): void {
  it("a key no longer in its `from` state: false, and none of the change is written (not even `created`)", async () => {
    const { current, next } = await started();
    const before = await store().list();
    const stale: KeyChange = {
      transitions: [
        { kid: current.kid, from: "CURRENT", to: "PREVIOUS", at: at(10) },
        // Already CURRENT elsewhere: the second compare-and-set fails after the first succeeded.
        { kid: next.kid, from: "PREVIOUS", to: "REVOKED", at: at(10) },
      ],
      created: [keyRecord("NEXT", 10)],
    };
    expect(await store().apply(stale)).toBe(false);
    expect(await store().list()).toEqual(before);
    const unknown: KeyChange = { transitions: [{ kid: "no-such-kid", from: "PREVIOUS", to: "REVOKED", at: at(10) }], created: [keyRecord("PREVIOUS", 10)] };
    expect(await store().apply(unknown)).toBe(false);
    expect(await store().list()).toEqual(before);
  });

  it.each(["CURRENT", "NEXT"] as const)("a second %s key, inserted or promoted: false, and nothing written", async (state) => {
    const { current, next } = await started();
    const retired = keyRecord("PREVIOUS", 2);
    await store().apply(create(retired));
    const before = await store().list();
    // Each change starts with a step that is valid alone: the second CURRENT/NEXT must undo it too.
    expect(await store().apply(create(keyRecord("PREVIOUS", 3), keyRecord(state, 4)))).toBe(false);
    expect(await store().list()).toEqual(before);
    const promoted = state === "CURRENT" ? { kid: next.kid, from: "NEXT" as const } : { kid: current.kid, from: "CURRENT" as const };
    const change: KeyChange = {
      transitions: [
        { kid: retired.kid, from: "PREVIOUS", to: "REVOKED", at: at(5) },
        { ...promoted, to: state, at: at(5) },
      ],
      created: [],
    };
    expect(await store().apply(change)).toBe(false);
    expect(await store().list()).toEqual(before);
  });

  it("a kid that exists already: false, and nothing written", async () => {
    const { current } = await started();
    const before = await store().list();
    expect(await store().apply(create(keyRecord("PREVIOUS", 1), { ...keyRecord("PREVIOUS", 2), kid: current.kid }))).toBe(false);
    expect(await store().list()).toEqual(before);
  });
}

function concurrency(store: () => SigningKeyStore, started: () => Promise<{ current: SigningKeyRecord; next: SigningKeyRecord }>): void {
  it("50 identical rotations at once: exactly one is applied", async () => {
    const { current, next } = await started();
    const changes = Array.from({ length: 50 }, () => rotationOf(current, next, 10));
    const results = await Promise.all(changes.map((change) => store().apply(change)));
    expect(results.filter((applied) => applied)).toHaveLength(1);
    const winner = changes[results.indexOf(true)]?.created[0];
    const keys = await store().list();
    expect(keys).toHaveLength(3);
    expect(keys.find((k) => k.state === "PREVIOUS")?.kid).toBe(current.kid);
    expect(keys.find((k) => k.state === "CURRENT")?.kid).toBe(next.kid);
    expect(keys.find((k) => k.state === "NEXT")).toEqual(winner);
  });
}
