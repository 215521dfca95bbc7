import { Argon2Hasher, OWASP_ARGON2_PARAMS } from "../../src/auth";

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
