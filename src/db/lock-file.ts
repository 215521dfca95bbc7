import { randomUUID } from "node:crypto";
import { type FileHandle, link, open, readFile, readlink, rename, unlink } from "node:fs/promises";

/** Who holds a lock file: written once at creation, never rewritten (only its mtime moves). */
export interface LockRecord {
  pid: number;
  hostname: string;
  /** The kernel's boot id (Linux), so a pid from before a reboot, or from another machine of the same name, is not trusted. */
  bootId: string | null;
  /**
   * The pid namespace (Linux), so a pid from another container is not trusted: containers on one
   * host with the host's hostname (host networking) each count pids from 1.
   */
  pidNamespace: string | null;
  startedAt: string;
  /** Unique per acquisition, so a restarted process with the same pid is still told apart. */
  token: string;
}

/** A lock file as read from one open descriptor, so text, inode and mtime belong together. */
export interface LockSnapshot {
  text: string;
  /** null when the text is not a complete record (a writer between create and write, or a torn file). */
  record: LockRecord | null;
  ino: number;
  mtimeMs: number;
}

export function formatRecord(record: LockRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export function parseRecord(text: string): LockRecord | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return null;
    const { pid, hostname, bootId, pidNamespace, startedAt, token } = value as Record<string, unknown>;
    if (typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0) return null;
    if (typeof hostname !== "string" || typeof startedAt !== "string" || typeof token !== "string") return null;
    const optional = (v: unknown) => (typeof v === "string" ? v : null);
    return { pid, hostname, bootId: optional(bootId), pidNamespace: optional(pidNamespace), startedAt, token };
  } catch {
    return null;
  }
}

/** A lock file this process created, kept open so its owner can touch the mtime. */
export interface CreatedLock {
  handle: FileHandle;
  ino: number;
  text: string;
}

/** O_CREAT|O_EXCL: exactly one caller creates the file, even across processes. Null when it exists. */
export async function createExclusive(path: string, record: LockRecord): Promise<CreatedLock | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, "wx", 0o644);
  } catch (error) {
    if (errorCode(error) === "EEXIST") return null;
    throw error;
  }
  try {
    const text = formatRecord(record);
    await handle.writeFile(text, "utf8");
    await handle.datasync();
    const { ino } = await handle.stat();
    return { handle, ino, text };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
}

/** The current lock file, or null when there is none. */
export async function readSnapshot(path: string): Promise<LockSnapshot | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
  try {
    const stats = await handle.stat();
    const text = await handle.readFile("utf8");
    return { text, record: parseRecord(text), ino: stats.ino, mtimeMs: stats.mtimeMs };
  } finally {
    await handle.close();
  }
}

/**
 * Removes `path` only if it is still exactly the file judged (same inode, same text), so a lock
 * that changed hands since it was judged is left alone. The file is renamed to a name of our own
 * before it is checked again, which only one process can do: two processes removing one stale
 * lock cannot both succeed. Should the renamed file differ after all (its owner released it and
 * a new one appeared in between), it is put back unless a newer lock already took the name.
 */
export async function removeIfUnchanged(path: string, judged: Pick<LockSnapshot, "ino" | "text">): Promise<boolean> {
  const same = (snapshot: LockSnapshot | null) => snapshot !== null && snapshot.ino === judged.ino && snapshot.text === judged.text;
  if (!same(await readSnapshot(path))) return false;
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  if (same(await readSnapshot(aside))) {
    await unlink(aside);
    return true;
  }
  await link(aside, path).catch((error: unknown) => {
    if (errorCode(error) !== "EEXIST") throw error;
  });
  await unlink(aside);
  return false;
}

/** Linux's per-boot random id; null where there is none (pids are then trusted on the hostname alone). */
export async function readBootId(): Promise<string | null> {
  try {
    return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim() || null;
  } catch {
    return null;
  }
}

/** This process's pid namespace (`pid:[4026531836]`); null where there is no /proc (pids are then trusted as on one machine). */
export async function readPidNamespace(): Promise<string | null> {
  try {
    return await readlink("/proc/self/ns/pid");
  } catch {
    return null;
  }
}

/** Signal 0 checks existence only. EPERM means it exists but belongs to another user: alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== "ESRCH";
  }
}

export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}
