import { randomBytes } from "node:crypto";
import { KeyCipher } from "../../src/auth";

const KEK = randomBytes(32);
const SECRET = Buffer.from("-----a PKCS#8 private key, in DER-----");

/** Flips one bit of the byte at `index` of the sealed payload (after "v1."). */
function flipped(sealed: string, index: number): string {
  const [version, payload] = sealed.split(".");
  const bytes = Buffer.from(payload ?? "", "base64url");
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return `${version}.${bytes.toString("base64url")}`;
}

describe("KeyCipher", () => {
  it("opens what it sealed for the same kid, under a fresh IV each time", () => {
    const cipher = new KeyCipher(KEK);
    const one = cipher.seal("kid-1", SECRET);
    const two = cipher.seal("kid-1", SECRET);
    expect(one).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain(SECRET.toString("base64url"));
    expect(cipher.open("kid-1", one)).toEqual(SECRET);
    expect(cipher.open("kid-1", two)).toEqual(SECRET);
  });

  it("refuses a sealed key with any byte flipped: IV, ciphertext or tag", () => {
    const cipher = new KeyCipher(KEK);
    const sealed = cipher.seal("kid-1", SECRET);
    const length = Buffer.from(sealed.slice(3), "base64url").length;
    for (const index of [0, 11, 12, 12 + Math.floor(SECRET.length / 2), length - 17, length - 16, length - 1]) {
      expect(() => cipher.open("kid-1", flipped(sealed, index))).toThrow();
    }
  });

  it("refuses a key sealed for another kid (a row's sealed key copied onto another row)", () => {
    const cipher = new KeyCipher(KEK);
    const sealed = cipher.seal("kid-1", SECRET);
    expect(() => cipher.open("kid-2", sealed)).toThrow();
    expect(() => cipher.open("kid-", sealed)).toThrow();
    expect(() => cipher.open("kid-11", sealed)).toThrow();
  });

  it("refuses a key sealed under another KEY_ENCRYPTION_KEY", () => {
    const sealed = new KeyCipher(KEK).seal("kid-1", SECRET);
    expect(() => new KeyCipher(randomBytes(32)).open("kid-1", sealed)).toThrow();
  });

  it("refuses an unknown format, a truncated value, and a KEK that is not 32 bytes", () => {
    const cipher = new KeyCipher(KEK);
    const sealed = cipher.seal("kid-1", SECRET);
    expect(() => cipher.open("kid-1", sealed.replace(/^v1\./, "v2."))).toThrow("unknown sealed-key format");
    expect(() => cipher.open("kid-1", sealed.slice(3))).toThrow("unknown sealed-key format");
    expect(() => cipher.open("kid-1", `v1.${Buffer.alloc(28).toString("base64url")}`)).toThrow("sealed key too short");
    expect(() => cipher.open("kid-1", sealed.slice(0, sealed.length - 4))).toThrow();
    expect(() => new KeyCipher(randomBytes(16))).toThrow("32-byte key");
  });
});
