import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./fake-postgres";

const run = promisify(execFile);
const PG_ROOT = "/usr/lib/postgresql";
/** initdb refuses to run as root; as root we run the server binaries as this OS user. */
const SERVER_USER = "postgres";

export interface OwnPostgres {
  /** Connection URL of the `postgres` database (trust auth, user postgres). */
  url: string;
  port: number;
  /** The cluster's data directory (postmaster.pid's first line is the server's pid). */
  dataDir: string;
  /** pg_ctl start; resolves once the server accepts connections. */
  start(): Promise<void>;
  /** pg_ctl stop -m fast: disconnects every client and shuts down. */
  stop(): Promise<void>;
  /** Stops the server if running and removes its data directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory, or null when initdb/pg_ctl are missing. */
export function findPostgresBin(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(PG_ROOT, version, "bin");
    if (existsSync(path.join(bin, "initdb")) && existsSync(path.join(bin, "pg_ctl"))) return bin;
  }
  return null;
}

async function serverUserIds(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run("id", ["-u", SERVER_USER]), run("id", ["-g", SERVER_USER])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/**
 * A private PostgreSQL cluster in a temp dir on a free loopback port, owned by one test file so it
 * can be stopped and restarted (outage tests) without touching the shared server.
 */
export async function createOwnPostgres(bin: string): Promise<OwnPostgres> {
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(path.join(tmpdir(), "own-pg-"));
  const dataDir = path.join(dir, "data");
  const exec = async (tool: string, args: string[]) => {
    const file = path.join(bin, tool);
    return asRoot ? run("runuser", ["-u", SERVER_USER, "--", file, ...args]) : run(file, args);
  };
  let running = false;
  let destroyed = false;
  try {
    if (asRoot) {
      const { uid, gid } = await serverUserIds();
      await chown(dir, uid, gid);
    }
    await chmod(dir, 0o700);
    await exec("initdb", ["-D", dataDir, "--auth=trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const serverOptions = `-k ${dir} -c listen_addresses=127.0.0.1 -p ${port} -c fsync=off`;
  const pgCtl = (args: string[]) => exec("pg_ctl", ["-D", dataDir, ...args]);
  const stop = async () => {
    if (!running) return;
    await pgCtl(["stop", "-m", "fast", "-w"]);
    running = false;
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async start() {
      await pgCtl(["start", "-w", "-t", "20", "-l", path.join(dir, "server.log"), "-o", serverOptions]);
      running = true;
    },
    stop,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        await stop();
      } finally {
        await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
}
