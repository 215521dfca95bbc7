/**
 * The floors under the start-to-ready goals, measured in the same run as the server's starts
 * (issue 11): what node itself takes to reach the same point with less of the work. Each is a
 * process spawned as the server is (plain node, the start script's variables and flags), timed
 * from spawn to its first sign of being ready.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startBareApollo, startScript } from "./server-process";

const ROOT = join(__dirname, "..");

/**
 * Node plus the server's own PGlite opener on an existing directory and nothing else: the worker
 * thread, PostgreSQL's WebAssembly and its start, with the directory's lock. The server's start on
 * the same directory adds its modules, migrations check, keys and listening socket to this.
 */
export async function pgliteOpenMs(dataDir: string): Promise<number> {
  const opener = join(ROOT, "dist/src/db/open-pglite.js");
  const script = `require(${JSON.stringify(opener)}).openPglite(${JSON.stringify(dataDir)}).then(async (db) => { process.stdout.write("ready\\n"); await db.close(); })`;
  const start = startScript();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...start.nodeArgs, "-e", script], { cwd: ROOT, env: { ...process.env, ...start.env }, stdio: ["ignore", "pipe", "inherit"] });
  const readyMs = await new Promise<number>((resolve, reject) => {
    child.stdout.once("data", () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
    child.once("exit", (code) => reject(new Error(`the PGlite opener exited with code ${code} before it was ready`)));
  });
  await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  return readyMs;
}

/** Apollo on Fastify with a JWT context and no database (bench/bare-apollo-server.ts): node to its first 200 from /ready. */
export async function bareApolloStartMs(port: number, secret: string): Promise<number> {
  const { server, readyMs } = await startBareApollo(port, { JWT_SECRET: secret, BARE_ME_EMAIL: "floor@example.com" });
  await server.stop();
  return readyMs;
}
