import { isProcessAlive, type LockSnapshot } from "./lock-file";
import type { LockHolder } from "./data-dir-in-use-error";

export type LockVerdict = "held" | "stale";

/**
 * Whether a lock file someone else wrote still protects a live owner. The caller has already
 * checked that this process does not hold it.
 *
 * - Same host: the pid decides. A lock naming our own pid is a previous life of this process
 *   (containers restart with the same small pid), so it is stale.
 * - Another host (shared volume, recreated container): its pids mean nothing here, so the owner
 *   keeps touching the file and one untouched for `staleAfterMs` is abandoned.
 * - Unreadable (a writer between create and write, or a torn file): only its age can tell.
 */
export function judgeLock(
  snapshot: LockSnapshot,
  self: LockHolder,
  nowMs: number,
  staleAfterMs: number,
  isAlive: (pid: number) => boolean = isProcessAlive,
): LockVerdict {
  const { record } = snapshot;
  if (record === null || record.hostname !== self.hostname) {
    return nowMs - snapshot.mtimeMs > staleAfterMs ? "stale" : "held";
  }
  if (record.pid === self.pid) return "stale";
  return isAlive(record.pid) ? "held" : "stale";
}
