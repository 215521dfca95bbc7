import { fixedClock, type SessionState } from "../../src/auth";
import { SessionStateCache } from "../../src/auth/session-state-cache";
import { T0 } from "../support/auth-fixture";

const state = (userId: string) => ({ session: { id: "s", userId }, user: { id: userId } }) as unknown as SessionState;

describe("SessionStateCache", () => {
  it("shares one load between concurrent misses and serves hits until the TTL", async () => {
    const clock = fixedClock(T0);
    let loads = 0;
    const cache = new SessionStateCache(async () => (loads++, state("u")), clock, 1000);
    await Promise.all([cache.get("s"), cache.get("s"), cache.get("s")]);
    expect(loads).toBe(1);
    clock.advance(999);
    await cache.get("s");
    expect(loads).toBe(1);
    clock.advance(1);
    await cache.get("s");
    expect(loads).toBe(2);
  });

  it("does not keep a failed load", async () => {
    let fail = true;
    const cache = new SessionStateCache(async () => {
      if (fail) throw new Error("down");
      return state("u");
    }, fixedClock(T0), 1000);
    await expect(cache.get("s")).rejects.toThrow("down");
    fail = false;
    await expect(cache.get("s")).resolves.toEqual(state("u"));
  });

  it("invalidates by session and by user, and evicts the oldest entry beyond its bound", async () => {
    let loads = 0;
    const cache = new SessionStateCache(async (id) => (loads++, state(`user-of-${id}`)), fixedClock(T0), 1000, 2);
    await cache.get("a");
    await cache.get("b");
    cache.invalidateSession("a");
    await cache.get("a");
    expect(loads).toBe(3);
    cache.invalidateUser("user-of-b");
    await cache.get("b");
    expect(loads).toBe(4);
    await cache.get("c"); // evicts the oldest (a)
    await cache.get("a");
    expect(loads).toBe(6);
  });
});
