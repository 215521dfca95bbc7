import type { Metric, Registry } from "prom-client";

/**
 * A counter and a histogram for the per-request families, printed by prom-client's registry exactly
 * as its own Counter and Histogram would print them (test/metrics/keyed-series.test.ts compares the
 * two), but updated by their label values in a fixed order: one map lookup, where prom-client checks
 * every label name and hashes the label object on each update, five times a request. Label values
 * must be bounded by the caller (label-bounds.ts), as with prom-client, and never contain U+0000,
 * which joins them into a series' key.
 */
type Labels = Record<string, string>;

interface Options {
  name: string;
  help: string;
  /** In the order the values are given to inc() and observe(). */
  labelNames: readonly string[];
  /** Any registry (either content type): only its registerMetric is used. */
  registers: Array<Pick<Registry, "registerMetric">>;
}

/** What prom-client's registry reads from a metric (Registry.getMetricsAsString, getMetricsAsJSON). */
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

/** The part of prom-client's metric interface its registry calls. */
interface RegisteredMetric {
  name: string;
  getForPromString(): Promise<Exported>;
  get(): Promise<Exported>;
  reset(): void;
}

abstract class KeyedSeries<Entry extends { labels: Labels }> implements RegisteredMetric {
  /** Not readonly: in OpenMetrics mode prom-client's registry renames counters on each scrape, as it does its own. */
  name: string;
  readonly help: string;
  abstract readonly type: "counter" | "histogram";
  readonly aggregator = "sum" as const;
  private readonly labelNames: readonly string[];
  protected series = new Map<string, Entry>();

  constructor(options: Options) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    const metric: RegisteredMetric = this;
    for (const registry of options.registers) registry.registerMetric(metric as unknown as Metric);
  }

  protected entry(values: readonly string[]): Entry {
    const key = values.join("\u0000");
    let entry = this.series.get(key);
    if (!entry) {
      const labels: Labels = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i] ?? ""));
      entry = this.create(labels);
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

  /** Adds one to the series of these label values (in labelNames' order). */
  inc(values: readonly string[]): void {
    this.entry(values).value += 1;
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

  /**
   * A value that is not a finite number is dropped: prom-client would throw it at the caller (a
   * response hook), and one NaN would leave the series' sum NaN for good.
   */
  observe(values: readonly string[], value: number): void {
    if (!Number.isFinite(value)) return;
    const entry = this.entry(values);
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
