import { type ChildProcess, spawn } from "node:child_process";
import { findProjectRoot } from "../../src/project-root";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * An entry point run as production runs it (`node --import tsx src/<script>`), with only the
 * environment given. Stdout lines are kept (JSON log lines parsed), stderr is kept verbatim.
 */
export class NodeProcess {
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(script: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: findProjectRoot(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      this.lines.push(...complete.filter((line) => line.trim() !== ""));
      this.wake();
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => {
        this.wake();
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("the process did not start");
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stdout lines that are JSON objects (pino's log lines). */
  logs(): Array<Record<string, unknown>> {
    return this.lines.flatMap((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value === "object" && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** Resolves once `count` log lines satisfy `predicate`; rejects if the process exits first. */
  async waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000, count = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.logs().filter(predicate).length < count) {
      if (!this.running || Date.now() > deadline) {
        const why = this.running ? "timed out" : "exited";
        throw new Error(`${why} before the expected log line; stderr: ${this.stderr}; last: ${this.lines.slice(-5).join("\n")}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Last resort so a failed test never leaves the child running. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
