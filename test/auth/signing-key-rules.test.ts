import { keyTiming, type SigningKeyRecord, type SigningKeyState } from "../../src/auth";
import {
  algorithmSwitchDue,
  dueRetirements,
  keySet,
  type KeyTiming,
  promotableAt,
  retiresAt,
  rotation,
  scheduledRotationDue,
} from "../../src/auth/signing-key-rules";

const T0 = new Date("2030-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const MINUTE = 60_000;
const DAY = 86_400_000;

const TIMING: KeyTiming = { promotionDelayMs: 10 * MINUTE, previousRetentionMs: 30 * MINUTE, rotationMs: 90 * DAY, staleAfterMs: MINUTE };

function key(kid: string, state: SigningKeyState, fields: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid,
    algorithm: "ES256",
    state,
    publicJwk: { kty: "EC", kid, alg: "ES256", use: "sig", crv: "P-256", x: "x", y: "y" },
    sealedPrivateKey: state === "REVOKED" ? null : "v1.sealed",
    createdAt: T0,
    activatedAt: null,
    retiredAt: null,
    revokedAt: null,
    ...fields,
  };
}

describe("keyTiming", () => {
  it("delays promotion by JWKS_MAX_AGE plus the reload interval and the clock tolerance, and keeps PREVIOUS keys for every token's life after it", () => {
    const lifetimes = { jwksMaxAgeMs: 600_000, accessTokenTtlMs: 900_000, clockToleranceMs: 5_000 };
    // The reload interval (how stale another instance may be) is min(30 s, JWKS_MAX_AGE).
    expect(keyTiming(lifetimes, null)).toEqual({ promotionDelayMs: 635_000, previousRetentionMs: 1_535_000, rotationMs: null, staleAfterMs: 35_000 });
    expect(keyTiming({ ...lifetimes, jwksMaxAgeMs: 1_000 }, 7 * DAY)).toEqual({
      promotionDelayMs: 7_000,
      previousRetentionMs: 907_000,
      rotationMs: 7 * DAY,
      staleAfterMs: 6_000,
    });
  });
});

describe("keySet", () => {
  it("names the CURRENT and NEXT keys and lists the PREVIOUS ones; revoked keys are in none", () => {
    const records = [key("r", "REVOKED"), key("p1", "PREVIOUS"), key("c", "CURRENT"), key("p2", "PREVIOUS"), key("n", "NEXT")];
    const set = keySet(records);
    expect(set.current?.kid).toBe("c");
    expect(set.next?.kid).toBe("n");
    expect(set.previous.map((k) => k.kid)).toEqual(["p1", "p2"]);
    expect(keySet([key("r", "REVOKED")])).toEqual({ current: null, next: null, previous: [] });
  });
});

describe("promotableAt", () => {
  it("is the NEXT key's publication plus the promotion delay", () => {
    expect(promotableAt(key("n", "NEXT", { createdAt: at(MINUTE) }), TIMING)).toEqual(at(11 * MINUTE));
  });
});

describe("rotation", () => {
  it("moves CURRENT → PREVIOUS before NEXT → CURRENT (never two CURRENT keys), both at the given time", () => {
    const set = keySet([key("c", "CURRENT"), key("n", "NEXT")]);
    expect(rotation(set, at(5))).toEqual([
      { kid: "c", from: "CURRENT", to: "PREVIOUS", at: at(5) },
      { kid: "n", from: "NEXT", to: "CURRENT", at: at(5) },
    ]);
  });

  it("with a key missing, moves what exists", () => {
    expect(rotation(keySet([key("n", "NEXT")]), at(5))).toEqual([{ kid: "n", from: "NEXT", to: "CURRENT", at: at(5) }]);
    expect(rotation(keySet([key("c", "CURRENT")]), at(5))).toEqual([{ kid: "c", from: "CURRENT", to: "PREVIOUS", at: at(5) }]);
    expect(rotation(keySet([]), at(5))).toEqual([]);
  });
});

describe("retirement of PREVIOUS keys", () => {
  const retired = key("p", "PREVIOUS", { createdAt: at(-DAY), activatedAt: at(-DAY), retiredAt: at(MINUTE) });

  it("is due at retiredAt + retention exactly, not a millisecond before", () => {
    expect(retiresAt(retired, TIMING)).toEqual(at(31 * MINUTE));
    const set = keySet([retired, key("c", "CURRENT"), key("n", "NEXT")]);
    expect(dueRetirements(set, at(31 * MINUTE - 1), TIMING)).toEqual([]);
    expect(dueRetirements(set, at(31 * MINUTE), TIMING)).toEqual([{ kid: "p", from: "PREVIOUS", to: "REVOKED", at: at(31 * MINUTE) }]);
  });

  it("counts from creation when a PREVIOUS key has no retiredAt (rows written by hand)", () => {
    expect(retiresAt(key("p", "PREVIOUS", { createdAt: at(0) }), TIMING)).toEqual(at(30 * MINUTE));
  });

  it("retires each PREVIOUS key on its own schedule, and never a CURRENT or NEXT key however old", () => {
    const old = key("old", "PREVIOUS", { retiredAt: at(0) });
    const recent = key("recent", "PREVIOUS", { retiredAt: at(20 * MINUTE) });
    const set = keySet([old, recent, key("c", "CURRENT", { activatedAt: at(-DAY * 365) }), key("n", "NEXT", { createdAt: at(-DAY * 365) })]);
    expect(dueRetirements(set, at(30 * MINUTE), TIMING).map((t) => t.kid)).toEqual(["old"]);
    expect(dueRetirements(set, at(50 * MINUTE), TIMING).map((t) => t.kid)).toEqual(["old", "recent"]);
  });
});

describe("scheduledRotationDue", () => {
  const current = key("c", "CURRENT", { createdAt: at(-DAY), activatedAt: at(0) });
  const next = key("n", "NEXT", { createdAt: at(0) });
  const set = keySet([current, next]);

  it("is due SIGNING_KEY_ROTATION after the CURRENT key began signing, not a millisecond before", () => {
    expect(scheduledRotationDue(set, at(90 * DAY - 1), TIMING)).toBe(false);
    expect(scheduledRotationDue(set, at(90 * DAY), TIMING)).toBe(true);
  });

  it("waits for the NEXT key to be promotable, even when the rotation is overdue", () => {
    const fresh = keySet([current, key("n", "NEXT", { createdAt: at(90 * DAY) })]);
    expect(scheduledRotationDue(fresh, at(90 * DAY + 10 * MINUTE - 1), TIMING)).toBe(false);
    expect(scheduledRotationDue(fresh, at(90 * DAY + 10 * MINUTE), TIMING)).toBe(true);
  });

  it("counts from creation when the CURRENT key has no activatedAt", () => {
    const unactivated = keySet([key("c", "CURRENT", { createdAt: at(DAY) }), next]);
    expect(scheduledRotationDue(unactivated, at(91 * DAY - 1), TIMING)).toBe(false);
    expect(scheduledRotationDue(unactivated, at(91 * DAY), TIMING)).toBe(true);
  });

  it("is never due without a schedule, or without both a CURRENT and a NEXT key", () => {
    expect(scheduledRotationDue(set, at(1000 * DAY), { ...TIMING, rotationMs: null })).toBe(false);
    expect(scheduledRotationDue(keySet([current]), at(1000 * DAY), TIMING)).toBe(false);
    expect(scheduledRotationDue(keySet([next]), at(1000 * DAY), TIMING)).toBe(false);
  });
});

describe("algorithmSwitchDue", () => {
  const current = key("c", "CURRENT", { activatedAt: at(0) });
  const rsa = (fields: Partial<SigningKeyRecord> = {}) => key("n", "NEXT", { algorithm: "RS256", createdAt: at(0), ...fields });

  it("is due when the CURRENT key is of another algorithm and a NEXT key of this one is promotable, not a millisecond before", () => {
    const set = keySet([current, rsa()]);
    expect(algorithmSwitchDue(set, at(10 * MINUTE - 1), TIMING, "RS256")).toBe(false);
    expect(algorithmSwitchDue(set, at(10 * MINUTE), TIMING, "RS256")).toBe(true);
  });

  it("is never due when the CURRENT key already has this algorithm, or the NEXT one has not", () => {
    expect(algorithmSwitchDue(keySet([current, rsa()]), at(DAY), TIMING, "ES256")).toBe(false);
    expect(algorithmSwitchDue(keySet([current, key("n", "NEXT")]), at(DAY), TIMING, "RS256")).toBe(false);
    expect(algorithmSwitchDue(keySet([current]), at(DAY), TIMING, "RS256")).toBe(false);
    expect(algorithmSwitchDue(keySet([rsa()]), at(DAY), TIMING, "RS256")).toBe(false);
  });
});
