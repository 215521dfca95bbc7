import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { findProjectRoot } from "../../src/project-root";

const run = promisify(execFile);
const ROOT = findProjectRoot(__dirname);
/** One tarball per checkout, shared by every test file (and jest worker) that needs it. */
const PACK_DIR = path.join(os.tmpdir(), `graphql-auth-server-kit-${createHash("sha256").update(ROOT).digest("hex").slice(0, 12)}`);
const LOCK = `${PACK_DIR}.lock`;
/** What the build and the package are made of: a tarball older than any of these is rebuilt. */
const INPUTS = ["src", "package.json", "tsconfig.json", "tsconfig.build.json"];

function newestMtime(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

async function withLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock left by a killed run is older than any build takes.
      const held = statSync(LOCK, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 5 min for ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** `npm run build` then `npm pack`, unless a tarball built after the last change to the inputs exists. */
async function tarball(): Promise<string> {
  return withLock(async () => {
    const stamp = path.join(PACK_DIR, "built-at.json");
    const inputsChanged = Math.max(...INPUTS.map((entry) => newestMtime(path.join(ROOT, entry))));
    if (existsSync(stamp)) {
      const { startedAt, file } = JSON.parse(readFileSync(stamp, "utf8")) as { startedAt: number; file: string };
      if (startedAt > inputsChanged && existsSync(file)) return file;
    }
    rmSync(PACK_DIR, { recursive: true, force: true });
    mkdirSync(PACK_DIR, { recursive: true });
    const startedAt = Date.now();
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.homedir() };
    await run("npm", ["run", "build"], { cwd: ROOT, env });
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", PACK_DIR], { cwd: ROOT, env });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
    const file = path.join(PACK_DIR, packed.filename);
    writeFileSync(stamp, JSON.stringify({ startedAt, file }));
    return file;
  });
}

/**
 * A fresh `npm run build` of this checkout (dist/), shared with the packed-kit tests: built under
 * the same lock, and only when the sources changed since.
 */
export async function freshBuild(): Promise<string> {
  await tarball();
  return path.join(ROOT, "dist");
}

export interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A scratch project with the packed package installed in its node_modules, as an outside project
 * has it. Its own dependencies resolve from this project's node_modules (NODE_PATH): what the kit
 * loads is exactly what the tarball holds, never src/ or dist/ of this checkout.
 */
export class PackedKit {
  private constructor(readonly dir: string) {}

  static async install(): Promise<PackedKit> {
    const file = await tarball();
    const dir = mkdtempSync(path.join(os.tmpdir(), "kit-consumer-"));
    await run("tar", ["-xzf", file, "-C", dir]);
    mkdirSync(path.join(dir, "node_modules"));
    renameSync(path.join(dir, "package"), path.join(dir, "node_modules", "graphql-auth-server"));
    return new PackedKit(dir);
  }

  get packageDir(): string {
    return path.join(this.dir, "node_modules", "graphql-auth-server");
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: process.env.PATH ?? "", NODE_PATH: path.join(ROOT, "node_modules"), ...extra };
  }

  /**
   * Links every package of this project's node_modules into the scratch project's, for tools that
   * ignore NODE_PATH (the TypeScript compiler): the kit itself stays the installed tarball.
   */
  linkDependencies(): void {
    const own = path.join(ROOT, "node_modules");
    for (const name of [...readdirSync(own), ".bin"]) {
      const link = path.join(this.dir, "node_modules", name);
      if (!existsSync(link) && existsSync(path.join(own, name))) symlinkSync(path.join(own, name), link);
    }
  }

  /** Copies a file (e.g. a fixture service) into the scratch project; returns its new path. */
  copyIn(file: string, as = path.basename(file)): string {
    const target = path.join(this.dir, as);
    copyFileSync(file, target);
    return target;
  }

  write(file: string, text: string): string {
    const target = path.join(this.dir, file);
    writeFileSync(target, text);
    return target;
  }

  /** `<command> <args>` in the scratch project (e.g. node_modules/.bin/tsc), to completion. */
  async exec(command: string, args: string[], env: Record<string, string> = {}): Promise<Output> {
    try {
      const { stdout, stderr } = await run(command, args, { cwd: this.dir, env: this.env(env), maxBuffer: 16 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? null, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  /** `node <args>` in the scratch project, to completion. */
  node(args: string[], env: Record<string, string> = {}): Promise<Output> {
    return this.exec(process.execPath, args, env);
  }

  /** A long-running `node <script>` in the scratch project. */
  start(script: string, env: Record<string, string> = {}): KitProcess {
    return new KitProcess(spawn(process.execPath, [script], { cwd: this.dir, env: this.env(env), stdio: ["ignore", "pipe", "pipe"] }));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class KitProcess {
  stdout = "";
  stderr = "";
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** The first capture group of the first stdout line matching `pattern`. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stdout);
      if (match) return match[1] ?? match[0];
      const running = this.child.exitCode === null && this.child.signalCode === null;
      if (!running || Date.now() > deadline) {
        throw new Error(`${running ? "timed out" : "exited"} waiting for ${pattern}; stdout: ${this.stdout}; stderr: ${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}
