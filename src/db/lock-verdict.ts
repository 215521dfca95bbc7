import { isProcessAlive, type LockRecord, type LockSnapshot } from "./lock-file";

export type LockVerdict = "held" | "stale";

/** This process, as it would appear in a lock record. */
export type Self = Pick<LockRecord, "pid" | "hostname" | "bootId">;

/**
 * Whether a lock file someone else wrote still protects a live owner. The caller has already
 * checked that this process does not hold it.
 *
 * - Same machine (hostname, and boot id where both are known): the pid decides. A lock naming
 *   our own pid is a previous life of this process (containers restart with the same small
 *   pid), so it is stale.
 * - Another machine, or this one before a reboot (shared volume, recreated container): its pids
 *   mean nothing here, so the owner keeps touching the file and one untouched for
 *   `staleAfterMs` is abandoned.
 * - Unreadable (a writer between create and write, or a torn file): only its age can tell.
 */
export function judgeLock(
  snapshot: LockSnapshot,
  self: Self,
  nowMs: number,
  staleAfterMs: number,
  isAlive: (pid: number) => boolean = isProcessAlive,
): LockVerdict {
  const { record } = snapshot;
  if (record === null || !sameMachine(record, self)) {
    return nowMs - snapshot.mtimeMs > staleAfterMs ? "stale" : "held";
  }
  if (record.pid === self.pid) return "stale";
  return isAlive(record.pid) ? "held" : "stale";
}

export function sameMachine(record: Self, self: Self): boolean {
  if (record.hostname !== self.hostname) return false;
  return record.bootId === null || self.bootId === null || record.bootId === self.bootId;
}
