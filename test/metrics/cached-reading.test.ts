import { fixedClock } from "../../src/auth";
import { CachedReading } from "../../src/metrics/cached-reading";

function counting(values: Array<number | Error>) {
  const calls = { count: 0 };
  const read = async () => {
    const next = values[Math.min(calls.count, values.length - 1)];
    calls.count += 1;
    if (next instanceof Error) throw next;
    return next ?? -1;
  };
  return { read, calls };
}

describe("CachedReading", () => {
  const T0 = new Date("2026-01-01T00:00:00Z");

  it("reads once per TTL, then again", async () => {
    const clock = fixedClock(T0);
    const { read, calls } = counting([1, 2]);
    const reading = new CachedReading(read, clock, 10_000, () => undefined);
    expect(await reading.get()).toBe(1);
    clock.advance(9_999);
    expect(await reading.get()).toBe(1);
    expect(calls.count).toBe(1);
    clock.advance(1);
    expect(await reading.get()).toBe(2);
    expect(calls.count).toBe(2);
  });

  it("shares one read among concurrent askers", async () => {
    const { read, calls } = counting([7]);
    const reading = new CachedReading(read, fixedClock(T0), 10_000, () => undefined);
    expect(await Promise.all([reading.get(), reading.get(), reading.get()])).toEqual([7, 7, 7]);
    expect(calls.count).toBe(1);
  });

  it("remembers a failure (null) for the TTL too, and reports it once", async () => {
    const clock = fixedClock(T0);
    const errors: unknown[] = [];
    const { read, calls } = counting([new Error("database down"), 5]);
    const reading = new CachedReading(read, clock, 10_000, (error) => errors.push(error));
    expect(await reading.get()).toBeNull();
    expect(await reading.get()).toBeNull();
    expect(calls.count).toBe(1);
    expect(errors).toHaveLength(1);
    clock.advance(10_000);
    expect(await reading.get()).toBe(5);
  });

  it("reads again when the clock went back", async () => {
    const clock = fixedClock(T0);
    const { read, calls } = counting([1, 2]);
    const reading = new CachedReading(read, clock, 10_000, () => undefined);
    await reading.get();
    clock.advance(-60_000);
    expect(await reading.get()).toBe(2);
    expect(calls.count).toBe(2);
  });
});
