import type { Clock } from "../auth";

/**
 * A value read at most once per `ttlMs`, however often it is asked for: concurrent askers share
 * one read in flight, and a failed read is remembered for the same time (null), so neither many
 * scrapers nor a database outage turn scrapes into a stream of queries.
 */
export class CachedReading<T> {
  private last: { at: number; value: T | null } | null = null;
  private inFlight: Promise<T | null> | null = null;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get(): Promise<T | null> {
    const now = this.clock.now().getTime();
    if (this.last && now - this.last.at < this.ttlMs && now >= this.last.at) return Promise.resolve(this.last.value);
    this.inFlight ??= this.refresh(now);
    return this.inFlight;
  }

  private async refresh(now: number): Promise<T | null> {
    let value: T | null = null;
    try {
      value = await this.read();
    } catch (error) {
      this.onError(error);
    }
    this.last = { at: now, value };
    this.inFlight = null;
    return value;
  }
}
