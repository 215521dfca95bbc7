import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";

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
  return (await spawnServer(["--import", "tsx", join(ROOT, script), ...args], databaseUrl, port, env, 200)).server;
}

/**
 * The compiled server as `npm start` runs it (node dist/src/main.js; the caller builds first), and
 * how long it took from spawn to a 200 from /ready, polled every 5 ms. `nodeArgs` go to node
 * before the script (the profiler's --cpu-prof).
 */
export async function startBuiltServer(
  databaseUrl: string,
  port: number,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<{ server: RunningServer; readyMs: number }> {
  const start = startScript();
  return spawnServer([...start.nodeArgs, ...nodeArgs, join(ROOT, "dist/src/main.js")], databaseUrl, port, { ...start.env, ...env }, 5);
}

/**
 * bench/bare-apollo-server.ts, the `me` floor, compiled (esbuild, one file, its packages left to
 * node_modules) and run as the server runs: plain node with the start script's variables and
 * flags. Under tsx its loader would add to its memory and start, and its RSS and its start to
 * ready are baselines too.
 */
export async function startBareApollo(port: number, env: Record<string, string>): Promise<{ server: RunningServer; readyMs: number }> {
  // Inside node_modules, so that its imports resolve from the project's packages; never committed.
  const outfile = join(ROOT, "node_modules/.cache/auth-bench/bare-apollo-server.cjs");
  buildSync({ entryPoints: [join(ROOT, "bench/bare-apollo-server.ts")], outfile, format: "cjs", platform: "node", target: "node20", logLevel: "warning" });
  const start = startScript();
  return spawnServer([...start.nodeArgs, outfile], "unused", port, { ...start.env, ...env }, 5);
}

/**
 * What package.json's start script sets: the variables before `node` (MALLOC_ARENA_MAX) and the
 * flags between `node` and the script (the V8 heap settings), read from the script itself so that
 * the bench runs what `npm start` runs.
 */
export function startScript(): { env: Record<string, string>; nodeArgs: string[] } {
  const script = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const words = script.split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length; i++) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(words[i] ?? "");
    if (!assignment) break;
    env[assignment[1] ?? ""] = assignment[2] ?? "";
  }
  if (words[i] !== "node") throw new Error(`the start script does not run node: ${script}`);
  const nodeArgs: string[] = [];
  for (i++; i < words.length && words[i]?.startsWith("--"); i++) nodeArgs.push(words[i] ?? "");
  return { env, nodeArgs };
}

async function spawnServer(
  argv: string[],
  databaseUrl: string,
  port: number,
  env: Record<string, string>,
  pollMs: number,
): Promise<{ server: RunningServer; readyMs: number }> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, argv, {
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
    await waitUntilReady(url, child, pollMs);
  } catch (error) {
    child.kill("SIGKILL"); // never leave a half-started server behind the bench
    throw error;
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  const pid = child.pid;
  if (pid === undefined) throw new Error("server process has no pid");
  const server = {
    url,
    pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
  return { server, readyMs };
}

async function waitUntilReady(url: string, child: ChildProcess, pollMs: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error("server did not become ready within 60 s");
}
