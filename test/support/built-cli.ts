import { spawn } from "node:child_process";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { freshBuild } from "./packed-kit";

const ROOT = findProjectRoot(__dirname);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The built CLI (`auth-server`, `npm run cli --`: both run dist/src/cli.js) as an operator runs
 * it: its own process, only the given environment, `stdin` piped in and closed. The build is
 * shared with the packed-kit tests (freshBuild).
 */
export async function runBuiltCli(args: string[], env: Record<string, string>, stdin = ""): Promise<CliResult> {
  const dist = await freshBuild();
  const child = spawn(process.execPath, [path.join(dist, "src", "cli.js"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", LOG_LEVEL: "silent", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode));
  });
  return { code, stdout, stderr };
}
