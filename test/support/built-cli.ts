import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
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
 * it: its own process, only the given environment. The build is shared with the packed-kit tests.
 */
export class BuiltCli {
  stdout = "";
  stderr = "";
  readonly exited: Promise<CliResult>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  static async start(args: string[], env: Record<string, string>): Promise<BuiltCli> {
    const dist = await freshBuild();
    const child = spawn(process.execPath, [path.join(dist, "src", "cli.js"), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", LOG_LEVEL: "silent", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    return new BuiltCli(child);
  }

  /** Resolves once stdout matches, or rejects when the process exits or the time is up. */
  async waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.stdout)) {
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no ${pattern} on stdout (${this.child.exitCode === null ? "timed out" : `exited ${this.child.exitCode}`}): ${this.stdout} ${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  closeStdin(input = ""): void {
    this.child.stdin.end(input);
  }

  /** Ctrl-C. */
  interrupt(): void {
    this.child.kill("SIGINT");
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

/** One command to completion, `stdin` piped in and closed. */
export async function runBuiltCli(args: string[], env: Record<string, string>, stdin = ""): Promise<CliResult> {
  const cli = await BuiltCli.start(args, env);
  cli.closeStdin(stdin);
  return cli.exited;
}
