import { AuditFollower, LOOKBACK_MS } from "../../src/cli/audit-follower";
import { MemoryAuditEvents } from "./audit-events";

const T = Date.parse("2030-01-01T00:00:00Z");

describe("AuditFollower (audit tail --follow)", () => {
  it("prints only what appeared since, oldest first, and nothing that was there before it started", async () => {
    const log = new MemoryAuditEvents();
    for (let i = 0; i < 300; i += 1) log.add("login_succeeded", T + i * 1_000);
    const follower = new AuditFollower(log.list, { type: null, userId: null });
    await follower.prime();
    // The newest event, then one page down to the window below it: not the whole history.
    expect(log.calls).toHaveLength(2);
    expect(await follower.poll()).toEqual([]);
    const a = log.add("login_failed", T + 300_000);
    const b = log.add("signup", T + 300_001);
    expect(await follower.poll()).toEqual([a, b]);
    expect(await follower.poll()).toEqual([]);
  });

  it("still prints an event stamped before the newest one seen, when it shows up late (slow commit, other instance's clock)", async () => {
    const log = new MemoryAuditEvents();
    log.add("signup", T);
    const follower = new AuditFollower(log.list, { type: null, userId: null });
    await follower.prime();
    const newer = log.add("login_succeeded", T + 8_000);
    expect(await follower.poll()).toEqual([newer]);
    const late = log.add("login_failed", T + 7_000);
    expect(await follower.poll()).toEqual([late]);
    // Beyond the look-back window, a late event can no longer be told from an old one.
    log.add("login_failed", T + 8_000 - LOOKBACK_MS - 1);
    expect(await follower.poll()).toEqual([]);
  });

  it("reads more than one page when many events arrive between two polls, and only down to the window", async () => {
    const log = new MemoryAuditEvents();
    log.add("signup", T);
    const follower = new AuditFollower(log.list, { type: "login_failed", userId: null });
    await follower.prime();
    const burst = Array.from({ length: 250 }, (_, i) => log.add("login_failed", T + 20_000 + i));
    log.add("signup", T + 30_000);
    log.calls = [];
    expect(await follower.poll()).toEqual(burst);
    expect(log.calls.every((call) => call.type === "login_failed" && call.first === 100)).toBe(true);
    log.calls = [];
    expect(await follower.poll()).toEqual([]);
    // The window reaches 10 s below the newest event: 250 events within it fit in three pages.
    expect(log.calls).toHaveLength(3);
  });
});
