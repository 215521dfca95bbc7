/**
 * Payloads that could not be sent while the connection was down, sent once it is back. Bounded:
 * events are hints, so past the bound the oldest go (the session cache TTL covers them) rather
 * than memory growing through a long outage.
 */
export class Outbox {
  private readonly pending: string[] = [];
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(payload: string): void {
    if (this.pending.length >= this.limit) {
      this.pending.shift();
      this.dropped++;
    }
    this.pending.push(payload);
  }

  /** Everything pending, oldest first, and how many were dropped since the last drain. */
  drain(): { payloads: string[]; dropped: number } {
    const drained = { payloads: this.pending.splice(0), dropped: this.dropped };
    this.dropped = 0;
    return drained;
  }
}
