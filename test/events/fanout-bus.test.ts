import type { SecurityEvent, SecurityMessage } from "../../src/auth";
import { FanoutBus } from "../../src/events";
import { backoffDelay } from "../../src/events/backoff";
import { Outbox } from "../../src/events/outbox";
import { decodeEvent, encodeEvent } from "../../src/events/wire";
import { FakeTransport } from "../support/fake-transport";

const EVENT: SecurityEvent = {
  type: "SESSION_REVOKED",
  userId: "7f1c7a52-5d3c-4c0e-9d7e-0d7f3a9b2c11",
  sessionId: "0b7e3f5e-1c9a-4a5e-8f0e-6f2d4c1b9a77",
  at: new Date("2026-01-01T00:00:00.000Z"),
};

function busWithLog() {
  const transport = new FakeTransport();
  const logged: string[] = [];
  const logger = { info: () => undefined, warn: (_: object, m: string) => logged.push(m), error: (_: object, m: string) => logged.push(m) };
  const bus = new FanoutBus(transport, logger);
  const received: SecurityMessage[] = [];
  bus.subscribe((message) => received.push(message));
  return { bus, transport, logged, received };
}

describe("FanoutBus", () => {
  it("delivers a published event locally before publish returns, then sends it to the other instances", () => {
    const { bus, transport, received } = busWithLog();
    bus.publish(EVENT);
    expect(received).toEqual([EVENT]);
    expect(transport.sent).toHaveLength(1);
    expect(decodeEvent(transport.sent[0]!)?.event).toEqual(EVENT);
  });

  it("delivers another instance's event, skips its own echo, and ignores malformed payloads with a warning", () => {
    const { bus, transport, received, logged } = busWithLog();
    bus.publish(EVENT);
    transport.receive(transport.sent[0]!); // own echo: already delivered
    expect(received).toHaveLength(1);
    transport.receive(encodeEvent({ ...EVENT, type: "ROLE_CHANGED", sessionId: null }, "another-instance"));
    expect(received[1]).toEqual({ ...EVENT, type: "ROLE_CHANGED", sessionId: null });
    for (const bad of ["not json", "null", "[]", JSON.stringify({ v: 2 })]) transport.receive(bad);
    expect(received).toHaveLength(2);
    expect(logged).toEqual(Array(4).fill("ignored a malformed security event"));
  });

  it("turns a transport resync into a RESYNC for every listener", () => {
    const { transport, received } = busWithLog();
    transport.resync();
    expect(received).toEqual([{ type: "RESYNC", at: expect.any(Date) }]);
  });

  it("isolates a throwing listener and stops delivering to an unsubscribed one", () => {
    const { bus, received, logged } = busWithLog();
    const calls: string[] = [];
    bus.subscribe(() => {
      throw new Error("boom");
    });
    const unsubscribe = bus.subscribe(() => calls.push("late"));
    bus.publish(EVENT);
    unsubscribe();
    bus.publish(EVENT);
    expect(received).toHaveLength(2);
    expect(calls).toEqual(["late"]);
    expect(logged).toEqual(["security event listener threw", "security event listener threw"]);
  });

  it("without a transport (PGlite) delivers locally only", () => {
    const bus = new FanoutBus(null, { info: () => undefined, warn: () => undefined, error: () => undefined });
    const received: SecurityMessage[] = [];
    bus.subscribe((m) => received.push(m));
    bus.publish(EVENT);
    expect(received).toEqual([EVENT]);
  });
});

describe("wire format", () => {
  it("round-trips, stays far below NOTIFY's 8000-byte limit, and refuses anything off-format", () => {
    const payload = encodeEvent(EVENT, "c0ffee00-0000-4000-8000-000000000000");
    expect(Buffer.byteLength(payload)).toBeLessThan(300);
    expect(decodeEvent(payload)).toEqual({ origin: "c0ffee00-0000-4000-8000-000000000000", event: EVENT });
    const valid = JSON.parse(payload) as Record<string, unknown>;
    const variants: Array<Record<string, unknown>> = [
      { ...valid, type: "DROP_TABLES" },
      { ...valid, userId: "" },
      { ...valid, userId: "x".repeat(65) },
      { ...valid, sessionId: 42 },
      { ...valid, at: "yesterday" },
      { ...valid, origin: undefined },
    ];
    for (const variant of variants) expect(decodeEvent(JSON.stringify(variant))).toBeNull();
    expect(decodeEvent(JSON.stringify({ ...valid, sessionId: null }))?.event).toMatchObject({ sessionId: null });
  });

  it("carries SIGNING_KEYS_CHANGED, which names no account, and nothing else without one", () => {
    const at = new Date("2026-12-03T00:00:00.000Z");
    const wire = encodeEvent({ type: "SIGNING_KEYS_CHANGED", at }, "origin-1");
    expect(decodeEvent(wire)).toEqual({ origin: "origin-1", event: { type: "SIGNING_KEYS_CHANGED", at } });
    expect(decodeEvent(JSON.stringify({ ...JSON.parse(wire), type: "SESSION_REVOKED" }))).toBeNull();
    expect(decodeEvent(JSON.stringify({ ...JSON.parse(wire), at: "now" }))).toBeNull();
  });
});

describe("reconnect helpers", () => {
  it("backoff doubles from the initial delay up to the cap, with jitter between half and all of it", () => {
    const policy = { initialMs: 100, maxMs: 5000 };
    expect([0, 1, 2, 3, 10, 1000].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 800, 5000, 5000]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(400);
  });

  it("the outbox keeps the newest payloads up to its bound and counts what it dropped", () => {
    const outbox = new Outbox(3);
    for (const p of ["a", "b", "c", "d", "e"]) outbox.push(p);
    expect(outbox.drain()).toEqual({ payloads: ["c", "d", "e"], dropped: 2 });
    expect(outbox.drain()).toEqual({ payloads: [], dropped: 0 });
  });
});
