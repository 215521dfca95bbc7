import type { AuditEvent, AuditEventType } from "../auth";

export interface AuditFilter {
  type: AuditEventType | null;
  userId: string | null;
}
export type AuditPage = (page: { first: number; after?: string | null } & Partial<AuditFilter>) => Promise<AuditEvent[]>;

/**
 * Events are listed newest first by their `createdAt`, which the writing instance stamps before
 * its insert commits: one stamped a little earlier can appear after a later one was already seen
 * (a slower transaction, another instance's clock). So every poll looks back this far below the
 * newest event seen, and prints whatever in that window it has not printed yet.
 */
export const LOOKBACK_MS = 10_000;
const PAGE_SIZE = 100;
/** A poll reads at most this many pages; more new events in one interval than that are skipped. */
const MAX_PAGES = 100;

/** `audit tail --follow`: the events that appeared since the last poll, oldest first. */
export class AuditFollower {
  /** Ids seen at or above `floor`, with their times; older ones can no longer come back. */
  private readonly seen = new Map<string, number>();
  /** Measured on the events' own clock, never this process's: nothing older is looked at again. */
  private floor = -Infinity;

  constructor(
    private readonly listPage: AuditPage,
    private readonly filter: AuditFilter,
  ) {}

  /** Marks what is already there as seen, before the first screenful is printed, so nothing falls in between. */
  async prime(): Promise<void> {
    const [newest] = await this.listPage({ first: 1, ...this.filter });
    if (newest) this.floor = newest.createdAt.getTime() - LOOKBACK_MS;
    this.remember(await this.window());
  }

  /** Counts printed events as seen (the first screenful may reach below the window). */
  remember(events: readonly AuditEvent[]): void {
    for (const event of events) this.seen.set(event.id, event.createdAt.getTime());
    const newest = Math.max(...events.map((e) => e.createdAt.getTime()));
    this.floor = Math.max(this.floor, newest - LOOKBACK_MS);
    for (const [id, at] of this.seen) if (at < this.floor) this.seen.delete(id);
  }

  async poll(): Promise<AuditEvent[]> {
    const fresh = (await this.window()).filter((event) => !this.seen.has(event.id)).reverse();
    this.remember(fresh);
    return fresh;
  }

  /** Newest first, down to the floor. */
  private async window(): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const batch = await this.listPage({ first: PAGE_SIZE, after, ...this.filter });
      for (const event of batch) {
        if (event.createdAt.getTime() < this.floor) return events;
        events.push(event);
      }
      const last = batch.at(-1);
      if (batch.length < PAGE_SIZE || !last) return events;
      after = last.id;
    }
    return events;
  }
}
