import type { AuthDeps } from "./deps";
import { nameBasedUuid } from "./ids";
import type { RateBucket, RateLimitPolicy } from "./ports";
import type { AuditEvent, ClientInfo } from "./types";

type Deps = Pick<AuthDeps, "audit" | "clock" | "logger">;

interface OpenWindow {
  event: AuditEvent;
  endsAt: number;
  /** Refusals seen here and not yet added to the stored row. */
  unwritten: number;
}

/** Above this many open windows, refusals are written one by one instead of being held in memory. */
const MAX_OPEN_WINDOWS = 10_000;

/**
 * RATE_LIMITED events without the flood: at most one row per (bucket, key, window), whose
 * `detail.count` says how many refusals it stands for. Windows are aligned to multiples of the
 * bucket's duration, so every instance derives the same row id and their counts add up.
 *
 * The first refusal of a window is written at once (the trail shows an attack as it starts);
 * later ones are counted in memory and added by `flush()`, which the composition root runs
 * periodically and at shutdown.
 */
export class RateLimitAudit {
  private readonly open = new Map<string, OpenWindow>();

  constructor(
    private readonly deps: Deps,
    private readonly policy: RateLimitPolicy,
  ) {}

  async refused(bucket: RateBucket, key: string, client: ClientInfo, userId: string | null): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const windowMs = this.policy[bucket].windowSeconds * 1000;
    const startsAt = Math.floor(now / windowMs) * windowMs;
    const id = nameBasedUuid(`rate_limited\u0000${bucket}\u0000${key}\u0000${startsAt}`);
    const known = this.open.get(id);
    if (known) {
      known.unwritten += 1;
      return;
    }
    const event = this.eventFor(id, bucket, key, client, userId, now);
    if (this.open.size >= MAX_OPEN_WINDOWS) this.forgetClosedWindows(now);
    if (this.open.size >= MAX_OPEN_WINDOWS) {
      await this.write(event, 1);
      return;
    }
    // Registered before the write, so concurrent refusals count into this window, not a new row.
    const window: OpenWindow = { event, endsAt: startsAt + windowMs, unwritten: 0 };
    this.open.set(id, window);
    if (!(await this.write(event, 1))) window.unwritten += 1;
  }

  /** Adds the counted refusals to their rows; a failed write is kept for the next flush. */
  async flush(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    for (const window of [...this.open.values()]) {
      const count = window.unwritten;
      if (count === 0) continue;
      window.unwritten = 0;
      if (!(await this.write(window.event, count))) window.unwritten += count;
    }
    this.forgetClosedWindows(now);
  }

  private forgetClosedWindows(now: number): void {
    for (const [id, window] of this.open) {
      if (window.endsAt <= now && window.unwritten === 0) this.open.delete(id);
    }
  }

  private async write(event: AuditEvent, count: number): Promise<boolean> {
    try {
      await this.deps.audit.recordOrCount(event, count);
      return true;
    } catch (error) {
      this.deps.logger.error({ err: error, event: "rate_limited", count }, "rate-limit audit event could not be written");
      return false;
    }
  }

  private eventFor(id: string, bucket: RateBucket, key: string, client: ClientInfo, userId: string | null, now: number): AuditEvent {
    return {
      id,
      type: "rate_limited",
      userId,
      sessionId: null,
      ip: client.ip,
      userAgent: client.userAgent,
      requestId: client.requestId,
      detail: { bucket, key },
      createdAt: new Date(now),
    };
  }
}
