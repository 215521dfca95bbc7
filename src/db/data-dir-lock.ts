import { randomUUID } from "node:crypto";
import { mkdir, realpath } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { DataDirInUseError } from "./data-dir-in-use-error";
import { closeOnce } from "./lifecycle";
import { type CreatedLock, createExclusive, errorCode, type LockRecord, readBootId, readPidNamespace, readSnapshot, removeIfUnchanged } from "./lock-file";
import { judgeLock, samePidSpace, type Self } from "./lock-verdict";

const DEFAULT_STALE_AFTER_MS = 30_000;
const DEFAULT_REFRESH_EVERY_MS = 10_000;
/** A takeover guard lives for a few file operations; one older than this belongs to a crashed recoverer. */
const GUARD_STALE_AFTER_MS = 5_000;
const RETRY_DELAY_MS = 25;

export interface DataDirLockOptions {
  /** Named in the refusal message, so the operator sees which setting to change. */
  databaseUrl?: string;
  /** A lock from another host untouched for this long is abandoned (default 30 s). */
  staleAfterMs?: number;
  /** How often the owner touches its lock file (default 10 s; keep well under staleAfterMs). */
  refreshEveryMs?: number;
}

export interface DataDirLock {
  /** The directory, absolute with symlinks resolved: the lock is per directory, not per spelling. */
  readonly dataDir: string;
  readonly lockPath: string;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

interface Attempt {
  lockPath: string;
  record: LockRecord;
  self: Self;
  staleAfterMs: number;
}

/** Lock files this process holds or is taking: the same directory opened twice in one process is refused. */
const held = new Set<string>();

/**
 * Takes `<dataDir>.lock` with O_EXCL before PGlite opens the directory. Two processes on one
 * PGlite directory each keep their own copy in memory: unique constraints stop holding across
 * them and the last to write its files wins. The lock file sits beside the directory because
 * PGlite initialises an empty directory and must find nothing foreign in it.
 */
export async function acquireDataDirLock(dataDir: string, options: DataDirLockOptions = {}): Promise<DataDirLock> {
  const dir = await canonicalDataDir(dataDir);
  const lockPath = `${dir}.lock`;
  const self: Self = { pid: process.pid, hostname: hostname(), bootId: await readBootId(), pidNamespace: await readPidNamespace() };
  if (held.has(lockPath)) throw new DataDirInUseError(dir, lockPath, { pid: self.pid, hostname: self.hostname }, true, options.databaseUrl);
  // Set in the same tick as the check, so concurrent opens in this process cannot both pass it.
  held.add(lockPath);
  try {
    const record: LockRecord = { ...self, startedAt: new Date().toISOString(), token: randomUUID() };
    const attempt: Attempt = { lockPath, record, self, staleAfterMs: options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS };
    const created = await take(attempt, dir, options.databaseUrl);
    return hold(dir, lockPath, created, options.refreshEveryMs ?? DEFAULT_REFRESH_EVERY_MS);
  } catch (error) {
    held.delete(lockPath);
    throw error;
  }
}

async function take(attempt: Attempt, dir: string, databaseUrl: string | undefined): Promise<CreatedLock> {
  const { lockPath, record, self } = attempt;
  // Lock files are judged by their mtimes, which the OS stamps from the wall clock.
  const deadline = Date.now() + 2 * GUARD_STALE_AFTER_MS;
  while (Date.now() < deadline) {
    const created = await createExclusive(lockPath, record);
    if (created) return created;
    const existing = await readSnapshot(lockPath);
    if (existing === null) continue; // released between our create and our read
    if (judgeLock(existing, self, Date.now(), attempt.staleAfterMs) === "held") {
      const { record: owner } = existing;
      const holder = owner && { pid: owner.pid, hostname: owner.hostname };
      throw new DataDirInUseError(dir, lockPath, holder, owner === null || samePidSpace(owner, self), databaseUrl);
    }
    const outcome = await withTakeoverGuard(attempt, () => removeIfUnchanged(lockPath, existing));
    if (outcome === "busy") await delay(RETRY_DELAY_MS);
  }
  throw new Error(`Could not take the lock file ${lockPath}: it kept changing hands for ${(2 * GUARD_STALE_AFTER_MS) / 1000} s.`);
}

/**
 * Removing a stale lock is serialised by a second O_EXCL file. Without it, recoverers interleave:
 * one finds the old lock unchanged, another removes it and creates a fresh one, the first moves
 * that fresh one aside, and a third creates its own before it is put back: two winners.
 */
async function withTakeoverGuard(attempt: Attempt, work: () => Promise<boolean>): Promise<boolean | "busy"> {
  const guardPath = `${attempt.lockPath}.takeover`;
  const guard = await createExclusive(guardPath, attempt.record);
  if (!guard) {
    const existing = await readSnapshot(guardPath);
    if (existing && judgeLock(existing, attempt.self, Date.now(), GUARD_STALE_AFTER_MS) === "stale") {
      await removeIfUnchanged(guardPath, existing);
    }
    return "busy";
  }
  try {
    return await work();
  } finally {
    await guard.handle.close();
    await removeIfUnchanged(guardPath, guard);
  }
}

function hold(dir: string, lockPath: string, created: CreatedLock, refreshEveryMs: number): DataDirLock {
  const { handle } = created;
  // A contender on another host cannot check our pid; a recent mtime is how it knows we are alive.
  const refresh = setInterval(() => {
    const touched = new Date();
    // A missed touch is retried on the next tick; only after staleAfterMs would it matter.
    handle.utimes(touched, touched).catch(() => undefined);
  }, refreshEveryMs);
  refresh.unref();
  return {
    dataDir: dir,
    lockPath,
    release: closeOnce(async () => {
      clearInterval(refresh);
      try {
        await handle.close();
        // Only if still ours: a lock that passed to another owner is theirs to remove.
        await removeIfUnchanged(lockPath, created);
      } finally {
        held.delete(lockPath);
      }
    }),
  };
}

/** Absolute, symlinks resolved, parent created: `./data`, `data/` and a symlink to it share one lock. */
async function canonicalDataDir(dataDir: string): Promise<string> {
  const absolute = path.resolve(dataDir);
  try {
    return await realpath(absolute);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
  const parent = path.dirname(absolute);
  await mkdir(parent, { recursive: true });
  return path.join(await realpath(parent), path.basename(absolute));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
