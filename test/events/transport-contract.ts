import type { SecurityEvent, SecurityMessage } from "../../src/auth";
import { type EventTransport, FanoutBus } from "../../src/events";

/** Fast reconnects, so RESYNC tests take a fraction of a second. */
export const TEST_BACKOFF = { initialMs: 20, maxMs: 200 };
const DELIVERY_BOUND_MS = 1_000;
const RESYNC_BOUND_MS = 5_000;

export interface TransportHarness {
  /** A new transport on the channel every transport of this harness shares. */
  open(): EventTransport;
  /** Ends, from the server side, every connection the transports listen on. */
  killListeners(): Promise<void>;
  /** Ends, from the server side, the connection the first opened transport publishes on. */
  killFirstPublisher(): Promise<void>;
}

interface Node {
  bus: FanoutBus;
  transport: EventTransport;
  received: SecurityMessage[];
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

export function event(n: number, overrides: Partial<SecurityEvent> = {}): SecurityEvent {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  return { type: "SESSION_REVOKED", userId: id, sessionId: id, at: new Date(1_767_225_600_000 + n), ...overrides };
}

/** Resolves once `check` holds, polling; rejects after `timeoutMs` with what was last seen. */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => T, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const eventsOf = (node: Node) => node.received.filter((m) => m.type !== "RESYNC");
const resyncsOf = (node: Node) => node.received.filter((m) => m.type === "RESYNC").length;

/**
 * What every cross-instance transport must do, run against each (PostgreSQL NOTIFY, Redis pub/sub)
 * with two buses standing for two instances.
 */
export function transportContract(makeHarness: () => Promise<TransportHarness & { cleanup(): Promise<void> }>): void {
  let harness: TransportHarness & { cleanup(): Promise<void> };
  let nodes: Node[] = [];

  async function node(): Promise<Node> {
    const transport = harness.open();
    const bus = new FanoutBus(transport, silent);
    const created: Node = { bus, transport, received: [] };
    bus.subscribe((message) => created.received.push(message));
    nodes.push(created);
    expect(await transport.listening(5_000)).toBe(true);
    return created;
  }

  beforeEach(async () => {
    harness = await makeHarness();
    nodes = [];
  });
  afterEach(async () => {
    await Promise.all(nodes.map((n) => n.transport.close()));
    await harness.cleanup();
  });

  it("an event published on one instance reaches the other within the bound; its own echo is not delivered twice", async () => {
    const [a, b] = [await node(), await node()];
    const started = Date.now();
    a.bus.publish(event(1));
    await eventually("A's event on B", DELIVERY_BOUND_MS, () => eventsOf(b), (seen) => seen.length === 1);
    expect(Date.now() - started).toBeLessThan(DELIVERY_BOUND_MS);
    expect(eventsOf(b)).toEqual([event(1)]);
    // B answers only after A's echo was sent on the channel, so it reaches A after that echo.
    b.bus.publish(event(2, { type: "ROLE_CHANGED", sessionId: null }));
    await eventually("B's event on A", DELIVERY_BOUND_MS, () => eventsOf(a), (seen) => seen.length >= 2);
    expect(eventsOf(a)).toEqual([event(1), event(2, { type: "ROLE_CHANGED", sessionId: null })]);
    expect(eventsOf(b)).toHaveLength(2);
    expect(resyncsOf(a) + resyncsOf(b)).toBe(0);
  });

  it("a burst in both directions arrives whole and in each publisher's order", async () => {
    const [a, b] = [await node(), await node()];
    const fromA = Array.from({ length: 50 }, (_, i) => event(100 + i));
    const fromB = Array.from({ length: 50 }, (_, i) => event(200 + i, { type: "SESSION_CREATED" }));
    for (let i = 0; i < 50; i++) {
      a.bus.publish(fromA[i]!);
      b.bus.publish(fromB[i]!);
    }
    for (const n of [a, b]) await eventually("the burst", 5_000, () => eventsOf(n), (seen) => seen.length === 100);
    expect(eventsOf(b).filter((e) => e.type === "SESSION_REVOKED")).toEqual(fromA);
    expect(eventsOf(a).filter((e) => e.type === "SESSION_CREATED")).toEqual(fromB);
  });

  it("after its connection is killed, each instance reconnects, says RESYNC, and delivers again", async () => {
    const [a, b] = [await node(), await node()];
    await harness.killListeners();
    for (const n of [a, b]) await eventually("RESYNC", RESYNC_BOUND_MS, () => resyncsOf(n), (count) => count >= 1);
    expect(await b.transport.listening(RESYNC_BOUND_MS)).toBe(true);
    a.bus.publish(event(3));
    await eventually("delivery after reconnect", RESYNC_BOUND_MS, () => eventsOf(b), (seen) => seen.length === 1);
    expect(eventsOf(b)).toEqual([event(3)]);
  });

  it("an event published while its publisher is disconnected is sent once it is back", async () => {
    const [a, b] = [await node(), await node()];
    await harness.killFirstPublisher();
    // Whether A has noticed yet or not: held in its outbox, or failed in flight and then held.
    a.bus.publish(event(4));
    await eventually("the held event on B", RESYNC_BOUND_MS, () => eventsOf(b), (seen) => seen.length >= 1);
    expect(eventsOf(b)[0]).toEqual(event(4));
  });

  it("close is prompt and final: nothing is delivered after it", async () => {
    const [a, b] = [await node(), await node()];
    const started = Date.now();
    await b.transport.close();
    expect(Date.now() - started).toBeLessThan(1_500);
    a.bus.publish(event(5));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.received).toEqual([]);
    await b.transport.close(); // twice is fine
  });
}
