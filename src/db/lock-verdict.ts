import { isProcessAlive, type LockRecord, type LockSnapshot } from "./lock-file";

export type LockVerdict = "held" | "stale";

/** This process, as it would appear in a lock record. */
export type Self = Pick<LockRecord, "pid" | "hostname" | "bootId" | "pidNamespace">;

/**
 * Whether a lock file someone else wrote still protects a live owner. The caller has already
 * checked that this process does not hold it.
 *
 * - Same pid space (hostname, and boot id and pid namespace where both are known): the pid
 *   decides. A lock naming our own pid is a previous life of this process, so it is stale.
 * - Another machine, this one before a reboot, or another pid namespace (shared volume, another
 *   container on this host): its pids mean nothing here, so the owner keeps touching the file
 *   and one untouched for `staleAfterMs` is abandoned.
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
  if (record === null || !samePidSpace(record, self)) {
    return nowMs - snapshot.mtimeMs > staleAfterMs ? "stale" : "held";
  }
  if (record.pid === self.pid) return "stale";
  return isAlive(record.pid) ? "held" : "stale";
}

/** Whether a pid in `record` names the same process it would here. Unknown ids (older lock files, no /proc) do not disagree. */
export function samePidSpace(record: Self, self: Self): boolean {
  const agree = (theirs: string | null, ours: string | null) => theirs === null || ours === null || theirs === ours;
  return record.hostname === self.hostname && agree(record.bootId, self.bootId) && agree(record.pidNamespace, self.pidNamespace);
}
