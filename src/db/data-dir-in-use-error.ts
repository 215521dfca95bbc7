import { redact } from "./database-url";

/** The process named in a lock file, as far as it could be read. */
export interface LockHolder {
  pid: number;
  hostname: string;
}

/**
 * Another process (or this one) already has the embedded database directory open. Entry points
 * print the message as it is: one line naming the directory, the owner and what to do.
 */
export class DataDirInUseError extends Error {
  override readonly name = "DataDirInUseError";
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    /** null when the lock file could not be read (a holder between creating and writing it). */
    readonly holder: LockHolder | null,
    readonly sameHost: boolean,
    databaseUrl?: string,
  ) {
    const url = databaseUrl === undefined ? "" : ` (DATABASE_URL=${redact(databaseUrl)})`;
    super(`Database directory ${dataDir} is in use by ${describeHolder(holder, sameHost, lockPath)}${url}; stop that process or point DATABASE_URL elsewhere.`);
  }
}

function describeHolder(holder: LockHolder | null, sameHost: boolean, lockPath: string): string {
  if (holder === null) return `another process (lock file ${lockPath})`;
  if (!sameHost) return `process ${holder.pid} on host ${holder.hostname}`;
  return holder.pid === process.pid ? `process ${holder.pid} (this process)` : `process ${holder.pid}`;
}
