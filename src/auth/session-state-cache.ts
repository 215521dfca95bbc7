import type { Clock } from "./clock";
import type { SessionState } from "./types";

interface Entry {
  value: Promise<SessionState | null>;
  userId: string | null;
  loadedAt: number;
}

/**
 * Per-process cache of session liveness and current role, so verifying a bearer token costs no
 * query on most requests. This instance invalidates eagerly on its own changes, and on security
 * events from the others (see security-events.ts); `ttlMs` bounds the staleness when an event is
 * lost. Invalidation also drops a load in flight, so a read that raced a revocation is never kept.
 * Concurrent misses for one session share a single load.
 */
export class SessionStateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly load: (sessionId: string) => Promise<SessionState | null>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(sessionId: string): Promise<SessionState | null> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(sessionId);
    if (hit && now - hit.loadedAt < this.ttlMs) return hit.value;
    const entry: Entry = { value: this.load(sessionId), userId: null, loadedAt: now };
    this.store(sessionId, entry);
    entry.value.then(
      (state) => {
        entry.userId = state?.user.id ?? null;
      },
      () => {
        // A failed load must not be served to later requests.
        if (this.entries.get(sessionId) === entry) this.entries.delete(sessionId);
      },
    );
    return entry.value;
  }

  invalidateSession(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  invalidateUser(userId: string): void {
    for (const [sessionId, entry] of this.entries) {
      if (entry.userId === userId || entry.userId === null) this.entries.delete(sessionId);
    }
  }

  /** Events may have been lost (RESYNC): nothing cached can be trusted past this point. */
  clear(): void {
    this.entries.clear();
  }

  private store(sessionId: string, entry: Entry): void {
    this.entries.delete(sessionId);
    if (this.entries.size >= this.maxEntries) {
      // Map iteration order is insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(sessionId, entry);
  }
}
