import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

export interface RunningServer {
  url: string;
  /** The child's process id: the websocket bench reads its memory from /proc. */
  pid: number;
  stop(): Promise<void>;
}

/** The production entry point; the authorization bench starts its own variant instead. */
const MAIN = "src/main.ts";

const ROOT = join(__dirname, "..");

/**
 * The server runs in its own process, as in production, so the load generator does not share
 * its event loop. It is started with tsx from the sources (`entry`, relative to the project root,
 * followed by `args`).
 */
export async function startServerProcess(
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
  entry: readonly string[] = [MAIN],
): Promise<RunningServer> {
  const [script = MAIN, ...args] = entry;
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, script), ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      JWT_SECRET: randomBytes(48).toString("base64url"),
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      // One client IP drives the whole benchmark; production budgets would throttle it.
      RATE_LIMIT_LOGIN_IP: "1000000",
      RATE_LIMIT_LOGIN_FAILURES: "1000000",
      RATE_LIMIT_LOGIN_ACCOUNT: "1000000",
      RATE_LIMIT_SIGNUP_IP: "1000000",
      RATE_LIMIT_REFRESH_IP: "1000000",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(url, child);
  } catch (error) {
    child.kill("SIGKILL"); // never leave a half-started server behind the bench
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("server process has no pid");
  return {
    url,
    pid,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("server did not become ready within 60 s");
}
