import fc from "fast-check";
import { Counter, Histogram, Registry, type RegistryContentType } from "prom-client";
import { KeyedCounter, KeyedHistogram } from "../../src/metrics/keyed-series";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The same updates through prom-client's own metrics and through the keyed ones, in two registries. */
function twins(contentType: RegistryContentType = Registry.PROMETHEUS_CONTENT_TYPE) {
  const theirs = new Registry<RegistryContentType>();
  const ours = new Registry<RegistryContentType>();
  theirs.setContentType(contentType);
  ours.setContentType(contentType);
  const labelNames = ["operation", "code"] as const;
  const counter = new Counter({ name: "x_total", help: 'Requests "by" operation\\name', labelNames, registers: [theirs] });
  const histogram = new Histogram({ name: "x_seconds", help: "Latency.", labelNames, buckets: BUCKETS, registers: [theirs] });
  const keyedCounter = new KeyedCounter({ name: "x_total", help: 'Requests "by" operation\\name', labelNames, registers: [ours] });
  const keyedHistogram = new KeyedHistogram({ name: "x_seconds", help: "Latency.", labelNames, buckets: BUCKETS, registers: [ours] });
  const update = (operation: string, code: string, seconds: number) => {
    counter.inc({ operation, code });
    histogram.observe({ operation, code }, seconds);
    keyedCounter.inc([operation, code]);
    keyedHistogram.observe([operation, code], seconds);
  };
  return { theirs, ours, update, keyedHistogram, reset: () => [counter, histogram, keyedCounter, keyedHistogram].forEach((m) => m.reset()) };
}

const update = fc.record({
  operation: fc.constantFrom("Me", "Login", "anonymous", 'we"ird\\name\n', "Ünïcode"),
  code: fc.constantFrom("OK", "UNAUTHENTICATED", "BAD_USER_INPUT"),
  // Bucket bounds themselves, values between them, past the last, and zero.
  seconds: fc.oneof(fc.constantFrom(0, 0.005, 0.01, 10, 11, 1e-9), fc.double({ min: 0, max: 20, noNaN: true })),
});

describe("KeyedCounter and KeyedHistogram", () => {
  it("expose exactly the text and the JSON prom-client's Counter and Histogram expose for the same updates", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(update, { maxLength: 60 }), async (updates) => {
        const t = twins();
        for (const u of updates) t.update(u.operation, u.code, u.seconds);
        expect(await t.ours.metrics()).toBe(await t.theirs.metrics());
        expect(await t.ours.getMetricsAsJSON()).toEqual(await t.theirs.getMetricsAsJSON());
      }),
      { numRuns: 150 },
    );
  });

  it("expose the same OpenMetrics text, and start over on reset", async () => {
    const t = twins(Registry.OPENMETRICS_CONTENT_TYPE);
    t.update("Me", "OK", 0.003);
    t.update("Me", "OK", 0.7);
    t.update("Login", "BAD_USER_INPUT", 12);
    expect(await t.ours.metrics()).toBe(await t.theirs.metrics());
    expect(await t.ours.metrics()).toContain('x_seconds_bucket{le="0.5",operation="Me",code="OK"} 1');
    t.reset();
    expect(await t.ours.metrics()).toBe(await t.theirs.metrics());
    expect(await t.ours.metrics()).not.toContain("operation=");
  });

  it("drop a duration that is not a finite number, where prom-client would throw it at the caller", async () => {
    const t = twins();
    t.update("Me", "OK", 0.2);
    const before = await t.ours.metrics();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) t.keyedHistogram.observe(["Me", "OK"], bad);
    expect(await t.ours.metrics()).toBe(before);
    expect(before).toContain('x_seconds_sum{operation="Me",code="OK"} 0.2');
  });
});
