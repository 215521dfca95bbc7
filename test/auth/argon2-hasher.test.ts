import argon2 from "argon2";
import { Argon2Hasher, ConcurrencyLimit, OWASP_ARGON2_PARAMS } from "../../src/auth";

describe("Argon2Hasher (real argon2)", () => {
  const hasher = new Argon2Hasher(OWASP_ARGON2_PARAMS);

  it("produces argon2id hashes with the configured OWASP parameters and a random salt", async () => {
    const a = await hasher.hash("correct horse battery");
    const b = await hasher.hash("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(a).not.toBe(b);
  });

  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hasher.hash("correct horse battery");
    await expect(hasher.verify(hash, "correct horse battery")).resolves.toBe(true);
    await expect(hasher.verify(hash, "correct horse batterY")).resolves.toBe(false);
  });

  it("treats an unparseable stored hash as a failed verification, not an exception", async () => {
    await expect(hasher.verify("not-a-hash", "anything")).resolves.toBe(false);
  });

  it("honours other parameters", async () => {
    const custom = new Argon2Hasher({ memoryCost: 8192, timeCost: 3, parallelism: 2 });
    expect(await custom.hash("x".repeat(8))).toMatch(/\$m=8192,p=2,t=3\$/);
  });

  it("verifyDummy runs a real verification and resolves", async () => {
    await expect(hasher.verifyDummy("whatever")).resolves.toBeUndefined();
  });
});

describe("Argon2Hasher.needsRehash and pepper (real argon2)", () => {
  const current = new Argon2Hasher(OWASP_ARGON2_PARAMS);

  it("flags hashes weaker than the current parameters, not equal or stronger ones", async () => {
    const weaker = await new Argon2Hasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 }).hash("password 1");
    const same = await current.hash("password 1");
    const stronger = await new Argon2Hasher({ memoryCost: 32768, timeCost: 3, parallelism: 1 }).hash("password 1");
    expect(current.needsRehash(weaker)).toBe(true);
    expect(current.needsRehash(same)).toBe(false);
    expect(current.needsRehash(stronger)).toBe(false);
    expect(current.needsRehash("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA")).toBe(true);
    expect(current.needsRehash("not a hash")).toBe(true);
  });

  it("with a pepper, hashes verify only with the same pepper", async () => {
    const peppered = new Argon2Hasher(OWASP_ARGON2_PARAMS, Buffer.from("pepper-one-0123456789abcdef"));
    const hash = await peppered.hash("password 1");
    await expect(peppered.verify(hash, "password 1")).resolves.toBe(true);
    await expect(current.verify(hash, "password 1")).resolves.toBe(false);
    const rotated = new Argon2Hasher(OWASP_ARGON2_PARAMS, Buffer.from("pepper-two-0123456789abcdef"));
    await expect(rotated.verify(hash, "password 1")).resolves.toBe(false);
  });
});

describe("Argon2Hasher.verify against a hash made with weaker parameters (real argon2)", () => {
  const WEAK = { memoryCost: 8192, timeCost: 1, parallelism: 1 };
  const current = new Argon2Hasher(OWASP_ARGON2_PARAMS);
  let weakHash: string;
  let work: Array<{ params: string; settled: boolean; startedWhilePending: number }>;

  beforeAll(async () => {
    weakHash = await new Argon2Hasher(WEAK).hash("correct horse battery");
    await current.verifyDummy("warm-up"); // the dummy hash exists, as it does after the first unknown email
  });
  beforeEach(() => {
    work = [];
    const original = argon2.verify;
    // Observes every argon2 verification actually run: its parameters, whether it had finished
    // when the caller got its answer, and how many others were still running when it started.
    jest.spyOn(argon2, "verify").mockImplementation(async (hash, password, options) => {
      const entry = { params: paramsOf(hash), settled: false, startedWhilePending: work.filter((w) => !w.settled).length };
      work.push(entry);
      try {
        return await original(hash, password, options);
      } finally {
        entry.settled = true;
      }
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const paramsOf = (hash: string) => `m=${/m=(\d+)/.exec(hash)?.[1]},t=${/t=(\d+)/.exec(hash)?.[1]}`;
  const CURRENT = `m=${OWASP_ARGON2_PARAMS.memoryCost},t=${OWASP_ARGON2_PARAMS.timeCost}`;

  it("an unknown email costs one verification at the current parameters (the reference)", async () => {
    await current.verifyDummy("not the password");
    expect(work).toEqual([{ params: CURRENT, settled: true, startedWhilePending: 0 }]);
  });

  it("a wrong password also pays a concurrent verification at the current parameters, finished before it answers", async () => {
    await expect(current.verify(weakHash, "not the password")).resolves.toBe(false);
    expect(work.map((w) => w.params).sort()).toEqual([CURRENT, "m=8192,t=1"].sort());
    expect(work.every((w) => w.settled)).toBe(true);
    // Concurrent, not one after the other: the answer takes the longer of the two, not their sum.
    expect(work[1]?.startedWhilePending).toBe(1);
  });

  it("the right password still verifies, with the same work", async () => {
    await expect(current.verify(weakHash, "correct horse battery")).resolves.toBe(true);
    expect(work.map((w) => w.params).sort()).toEqual([CURRENT, "m=8192,t=1"].sort());
  });

  it("an unparseable stored hash costs the unknown-email verification too", async () => {
    await expect(current.verify("not-a-hash", "anything")).resolves.toBe(false);
    expect(work.map((w) => w.params)).toContain(CURRENT);
    expect(work.every((w) => w.settled)).toBe(true);
  });

  it("a hash at the current parameters costs exactly one verification, no extra", async () => {
    const hash = await current.hash("correct horse battery");
    await expect(current.verify(hash, "not the password")).resolves.toBe(false);
    expect(work).toEqual([{ params: CURRENT, settled: true, startedWhilePending: 0 }]);
  });

  it("with slots, runs at most that many argon2 calls at once and queues the rest; a legacy verify and its dummy share them", async () => {
    const slots = new ConcurrencyLimit(2);
    const bounded = new Argon2Hasher(OWASP_ARGON2_PARAMS, undefined, slots);
    const hash = await bounded.hash("correct horse battery");
    const verifies = Array.from({ length: 5 }, (_, i) => bounded.verify(hash, i === 0 ? "correct horse battery" : "wrong"));
    expect(slots.queued).toBe(3);
    expect(await Promise.all(verifies)).toEqual([true, false, false, false, false]);
    expect(slots.queued).toBe(0);
    // A weaker stored hash: its verify and the dummy run side by side, each in a slot.
    const legacy = await argon2.hash("old password", { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await expect(bounded.verify(legacy, "old password")).resolves.toBe(true);
    await expect(Promise.all([bounded.verify(legacy, "old password"), bounded.verify(legacy, "x"), bounded.hash("y")])).resolves.toEqual([true, false, expect.any(String)]);
  });
});
