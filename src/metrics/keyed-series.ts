import type { Registry } from "prom-client";

/**
 * A counter and a histogram for the per-request families, exposed by prom-client's registry in
 * exactly the text prom-client's own Counter and Histogram produce (test/metrics/keyed-series.test.ts
 * compares them), but updated by a key the caller builds from its label values. prom-client checks
 * every label name and hashes the label object on each update; with five updates a request that was
 * 5–10 % of an authenticated `me` (alternating rounds with the updates skipped). Here an update is one
 * map lookup, and the labels object is built once per series. Callers keep their label values
 * bounded (label-bounds.ts), as they must with prom-client too.
 */
type Labels = Record<string, string>;

interface Options {
  name: string;
  help: string;
  /** Any registry (either content type): only its registerMetric is used. */
  registers: Array<Pick<Registry, "registerMetric">>;
}

/** What prom-client's registry reads from a metric (Registry.getMetricsAsString). */
interface ExportedValue {
  /** A bucket's `le` is its bound as a number, as prom-client gives it. */
  labels: Record<string, string | number>;
  sharedLabels?: Labels;
  value: number;
  metricName?: string;
  exemplar?: null;
}

interface Exported {
  name: string;
  help: string;
  type: "counter" | "histogram";
  values: ExportedValue[];
  aggregator: "sum";
}

abstract class KeyedSeries<Entry extends { labels: Labels }> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: "counter" | "histogram";
  readonly aggregator = "sum" as const;
  protected series = new Map<string, Entry>();

  constructor(options: Options) {
    this.name = options.name;
    this.help = options.help;
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  protected entry(key: string, labels: () => Labels): Entry {
    let entry = this.series.get(key);
    if (!entry) {
      entry = this.create(labels());
      this.series.set(key, entry);
    }
    return entry;
  }

  protected abstract create(labels: Labels): Entry;

  protected abstract exported(): ExportedValue[];

  async getForPromString(): Promise<Exported> {
    return { name: this.name, help: this.help, type: this.type, values: this.exported(), aggregator: this.aggregator };
  }

  /** As prom-client's get(): each value's shared labels folded into its own. */
  async get(): Promise<Exported> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return data;
  }

  reset(): void {
    this.series = new Map();
  }
}

export class KeyedCounter extends KeyedSeries<{ labels: Labels; value: number }> {
  readonly type = "counter" as const;

  /** `key` names the label values `labels()` returns; the same key must always mean the same labels. */
  inc(key: string, labels: () => Labels, by = 1): void {
    this.entry(key, labels).value += by;
  }

  protected create(labels: Labels) {
    return { labels, value: 0 };
  }

  protected exported(): ExportedValue[] {
    return [...this.series.values()].map(({ labels, value }) => ({ labels, value }));
  }
}

interface HistogramEntry {
  labels: Labels;
  /** Observations per bucket, not cumulative; past the last bound they count only in `count`. */
  counts: number[];
  sum: number;
  count: number;
}

export class KeyedHistogram extends KeyedSeries<HistogramEntry> {
  readonly type = "histogram" as const;
  private readonly bounds: readonly number[];

  constructor(options: Options & { buckets: readonly number[] }) {
    super(options);
    this.bounds = [...options.buckets].sort((a, b) => a - b);
  }

  observe(key: string, labels: () => Labels, value: number): void {
    const entry = this.entry(key, labels);
    const bucket = this.bounds.findIndex((bound) => value <= bound);
    if (bucket >= 0) entry.counts[bucket] = (entry.counts[bucket] ?? 0) + 1;
    entry.sum += value;
    entry.count += 1;
  }

  protected create(labels: Labels): HistogramEntry {
    return { labels, counts: this.bounds.map(() => 0), sum: 0, count: 0 };
  }

  protected exported(): ExportedValue[] {
    const bucket = `${this.name}_bucket`;
    return [...this.series.values()].flatMap(({ labels, counts, sum, count }): ExportedValue[] => {
      let cumulative = 0;
      const buckets = this.bounds.map((bound, i) => {
        cumulative += counts[i] ?? 0;
        return { labels: { le: bound }, sharedLabels: labels, value: cumulative, metricName: bucket, exemplar: null };
      });
      return [
        ...buckets,
        { labels: { le: "+Inf" }, sharedLabels: labels, value: count, metricName: bucket, exemplar: null },
        { labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` },
      ];
    });
  }
}
