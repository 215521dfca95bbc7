import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { acquireDataDirLock, type DataDirLock } from "../../src/db/data-dir-lock";
import { DataDirInUseError } from "../../src/db/data-dir-in-use-error";
import { findProjectRoot } from "../../src/project-root";

const HOST = os.hostname();
const OTHER_HOST = "elsewhere.invalid";
const BOOT_ID_FILE = "/proc/sys/kernel/random/boot_id";
const BOOT_ID = existsSync(BOOT_ID_FILE) ? readFileSync(BOOT_ID_FILE, "utf8").trim() : null;
const PID_NS_LINK = "/proc/self/ns/pid";
const PID_NAMESPACE = existsSync(PID_NS_LINK) ? readlinkSync(PID_NS_LINK) : null;
const CONTENDER = path.join(__dirname, "fixtures", "lock-contender.ts");
const CONTENDERS = 6;
const ROUNDS = 4;

interface Planted {
  pid?: number;
  hostname?: string;
  bootId?: string | null;
  pidNamespace?: string | null;
  /** How long ago the file was last touched. */
  ageMs?: number;
  /** Raw contents instead of a record (a torn or half-written lock). */
  text?: string;
}

/** A lock file as another process would have left it. */
async function plant(lockPath: string, planted: Planted = {}): Promise<string> {
  const record = {
    pid: planted.pid ?? process.ppid,
    hostname: planted.hostname ?? HOST,
    bootId: planted.bootId === undefined ? BOOT_ID : planted.bootId,
    pidNamespace: planted.pidNamespace === undefined ? PID_NAMESPACE : planted.pidNamespace,
    startedAt: new Date().toISOString(),
    token: randomUUID(),
  };
  const text = planted.text ?? `${JSON.stringify(record)}\n`;
  await writeFile(lockPath, text, { flag: "wx" });
  const touched = new Date(Date.now() - (planted.ageMs ?? 0));
  await utimes(lockPath, touched, touched);
  return text;
}

/** The pid of a process that has certainly exited (pids are not reused this fast). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  if (child.pid === undefined) throw new Error("child had no pid");
  return child.pid;
}

async function refusal(promise: Promise<unknown>): Promise<DataDirInUseError> {
  const error = await promise.then(
    () => new Error("expected the lock to be refused"),
    (reason: unknown) => reason,
  );
  if (error instanceof DataDirInUseError) return error;
  throw error;
}

describe("data directory lock", () => {
  let root: string;
  let dataDir: string;
  let lockPath: string;
  const taken: DataDirLock[] = [];

  async function acquire(dir = dataDir, options = {}): Promise<DataDirLock> {
    const lock = await acquireDataDirLock(dir, options);
    taken.push(lock);
    return lock;
  }

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "dblock-"));
    dataDir = path.join(root, "pglite");
    lockPath = `${dataDir}.lock`;
  });

  afterEach(async () => {
    await Promise.all(taken.splice(0).map((lock) => lock.release()));
    await rm(root, { recursive: true, force: true });
  });

  it("writes pid, hostname and start time to a file beside the directory, never inside it", async () => {
    const lock = await acquire(path.join(root, "missing-parent", "pglite"));
    expect(lock.lockPath).toBe(path.join(root, "missing-parent", "pglite.lock"));
    expect(lock.dataDir).toBe(path.join(root, "missing-parent", "pglite"));
    const record = JSON.parse(await readFile(lock.lockPath, "utf8"));
    expect(record).toEqual({
      pid: process.pid,
      hostname: HOST,
      bootId: BOOT_ID,
      pidNamespace: PID_NAMESPACE,
      startedAt: expect.any(String),
      token: expect.any(String),
    });
    expect(Date.parse(record.startedAt)).not.toBeNaN();
    // PGlite initialises an empty directory: the lock must not be what it finds there.
    expect(existsSync(lock.dataDir)).toBe(false);
  });

  it("refuses while a live process holds it, naming the directory, the pid and DATABASE_URL", async () => {
    await plant(lockPath, { pid: process.ppid });
    const error = await refusal(acquire(dataDir, { databaseUrl: "pglite:./somewhere" }));
    expect(error.holder).toEqual({ pid: process.ppid, hostname: HOST });
    expect(error.message).toBe(
      `Database directory ${dataDir} is in use by process ${process.ppid} (DATABASE_URL=pglite:./somewhere); stop that process or point DATABASE_URL elsewhere.`,
    );
    // The refused process leaves the owner's lock alone.
    expect(JSON.parse(await readFile(lockPath, "utf8")).pid).toBe(process.ppid);
  });

  it("releases: the file goes, a second release is harmless, and the directory can be taken again", async () => {
    const lock = await acquire();
    await lock.release();
    expect(existsSync(lockPath)).toBe(false);
    await lock.release();
    const again = await acquire();
    expect(existsSync(again.lockPath)).toBe(true);
  });

  it("does not remove a lock that is no longer its own on release", async () => {
    const lock = await acquire();
    await unlink(lockPath);
    const successor = await plant(lockPath, { pid: process.ppid });
    await lock.release();
    expect(await readFile(lockPath, "utf8")).toBe(successor);
  });

  it("recovers a lock left by a dead process on this host", async () => {
    await plant(lockPath, { pid: await deadPid() });
    const lock = await acquire();
    expect(JSON.parse(await readFile(lock.lockPath, "utf8")).pid).toBe(process.pid);
  });

  it("recovers a lock naming its own pid that it does not hold (a crashed predecessor whose pid it got)", async () => {
    await plant(lockPath, { pid: process.pid });
    const lock = await acquire();
    expect(JSON.parse(await readFile(lock.lockPath, "utf8")).pid).toBe(process.pid);
  });

  it("refuses the same directory twice in one process, however it is spelled", async () => {
    await acquire();
    await symlink(dataDir, path.join(root, "alias"));
    await mkdir(dataDir);
    for (const spelling of [dataDir, `${root}/./pglite/`, path.join(root, "alias")]) {
      const error = await refusal(acquire(spelling));
      expect(error.message).toContain(`is in use by process ${process.pid} (this process)`);
    }
  });

  it("lets exactly one of many concurrent opens in one process win", async () => {
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => acquire()));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(DataDirInUseError);
  });

  it("respects a lock from another host while its owner keeps touching it", async () => {
    await plant(lockPath, { pid: process.pid, hostname: OTHER_HOST, ageMs: 5_000 });
    const error = await refusal(acquire(dataDir, { staleAfterMs: 30_000 }));
    expect(error.message).toContain(`is in use by process ${process.pid} on host ${OTHER_HOST};`);
  });

  it("recovers a lock from another host untouched for longer than the stale threshold", async () => {
    await plant(lockPath, { pid: process.ppid, hostname: OTHER_HOST, ageMs: 31_000 });
    const lock = await acquire(dataDir, { staleAfterMs: 30_000 });
    expect(JSON.parse(await readFile(lock.lockPath, "utf8")).hostname).toBe(HOST);
  });

  // Linux only: elsewhere there is no boot id and the hostname alone says "same machine".
  (BOOT_ID === null ? it.skip : it)("judges a lock from before a reboot by its age: its pid may belong to anyone now", async () => {
    await plant(lockPath, { pid: process.ppid, bootId: "a-previous-boot", ageMs: 5_000 });
    expect((await refusal(acquire())).holder).toEqual({ pid: process.ppid, hostname: HOST });
    await unlink(lockPath);
    await plant(lockPath, { pid: process.ppid, bootId: "a-previous-boot", ageMs: 31_000 });
    await expect(acquire()).resolves.toMatchObject({ lockPath });
  });

  // Linux only. Two containers on one host with host networking share its hostname and boot id,
  // but each counts pids from 1: the other's pid says nothing about it here (dead, or our own).
  (PID_NAMESPACE === null ? it.skip : it)("judges a lock from another pid namespace on this host by its age", async () => {
    for (const pid of [process.pid, await deadPid()]) {
      await plant(lockPath, { pid, pidNamespace: "pid:[1]", ageMs: 5_000 });
      const error = await refusal(acquire(dataDir, { staleAfterMs: 30_000 }));
      expect(error.message).toContain(`is in use by process ${pid} on host ${HOST};`);
      await unlink(lockPath);
    }
    await plant(lockPath, { pid: process.pid, pidNamespace: "pid:[1]", ageMs: 31_000 });
    await expect(acquire(dataDir, { staleAfterMs: 30_000 })).resolves.toMatchObject({ lockPath });
  });

  it("trusts the pid of a lock written without a pid namespace (an earlier version's)", async () => {
    await plant(lockPath, { pid: await deadPid(), pidNamespace: null });
    await expect(acquire()).resolves.toMatchObject({ lockPath });
  });

  it("trusts the pid of a lock written without a boot id", async () => {
    await plant(lockPath, { pid: process.ppid, bootId: null, ageMs: 60_000 });
    expect((await refusal(acquire())).holder).toEqual({ pid: process.ppid, hostname: HOST });
  });

  it("treats an unreadable lock by its age: fresh is held, old is abandoned", async () => {
    await plant(lockPath, { text: "" });
    const error = await refusal(acquire());
    expect(error.holder).toBeNull();
    expect(error.message).toContain(`is in use by another process (lock file ${lockPath});`);
    await unlink(lockPath);
    await plant(lockPath, { text: '{"pid":', ageMs: 60_000 });
    await expect(acquire()).resolves.toMatchObject({ lockPath });
  });

  it("touches its lock file so contenders on other hosts see it alive", async () => {
    const lock = await acquire(dataDir, { refreshEveryMs: 20 });
    const old = new Date(Date.now() - 60_000);
    await utimes(lock.lockPath, old, old);
    const deadline = Date.now() + 10_000;
    while ((await stat(lock.lockPath)).mtimeMs <= old.getTime() + 1_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await stat(lock.lockPath)).mtimeMs).toBeGreaterThan(old.getTime() + 1_000);
  });

  it("clears a takeover guard left by a recoverer that died mid-takeover", async () => {
    await plant(lockPath, { pid: await deadPid() });
    await plant(`${lockPath}.takeover`, { pid: await deadPid() });
    await acquire();
    expect(await readdir(root)).toEqual(["pglite.lock"]);
  });
});

/** A separate process that takes and releases the lock on command (fixtures/lock-contender.ts). */
class Contender {
  private readonly child: ChildProcess;
  private readonly answers: Array<Record<string, unknown>> = [];
  private waiting: (() => void) | null = null;

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, ["--import", "tsx", CONTENDER, dataDir], {
      cwd: findProjectRoot(),
      stdio: ["pipe", "pipe", "inherit"],
    });
    if (!this.child.stdout) throw new Error("contender without stdout");
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.answers.push(JSON.parse(line));
      this.waiting?.();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async next(): Promise<Record<string, unknown>> {
    while (this.answers.length === 0) {
      if (this.child.exitCode !== null) throw new Error(`contender exited with ${this.child.exitCode}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.answers.shift() ?? {};
  }

  send(command: "acquire" | "release"): void {
    this.child.stdin?.write(`${command}\n`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, "exit");
    this.child.kill("SIGKILL");
    await exited;
  }
}

describe("data directory lock across processes", () => {
  let root: string;
  let dataDir: string;
  let contenders: Contender[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "dblock-procs-"));
    dataDir = path.join(root, "pglite");
    contenders = Array.from({ length: CONTENDERS }, () => new Contender(dataDir));
    for (const contender of contenders) expect(await contender.next()).toEqual({ result: "ready" });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(contenders.map((c) => c.stop()));
    await rm(root, { recursive: true, force: true });
  });

  /** Every contender asks at once; returns the answers in contender order. */
  async function race(): Promise<Array<Record<string, unknown>>> {
    for (const contender of contenders) contender.send("acquire");
    return Promise.all(contenders.map((c) => c.next()));
  }

  const rounds: Array<[string, () => Promise<unknown>]> = [
    ["no lock", async () => undefined],
    ["a lock left by a dead process", async () => plant(`${dataDir}.lock`, { pid: await deadPid() })],
    ["an abandoned lock from another host", async () => plant(`${dataDir}.lock`, { hostname: OTHER_HOST, ageMs: 60_000 })],
  ];

  /** One race: exactly one winner, every loser refused naming it, nothing left but its lock. */
  async function raceOnce(): Promise<void> {
    const answers = await race();
    try {
      expect(answers.filter((a) => a.result === "error")).toEqual([]);
      const winners = contenders.filter((_c, i) => answers[i]?.result === "won").map((c) => c.pid);
      expect(winners).toHaveLength(1);
      const named = { result: "refused", holder: { pid: winners[0], hostname: HOST } };
      // A loser that read the lock between its creation and its first write cannot name the owner.
      const unnamed = { result: "refused", holder: null };
      for (const answer of answers.filter((a) => a.result !== "won")) expect([named, unnamed]).toContainEqual(answer);
      expect(JSON.parse(await readFile(`${dataDir}.lock`, "utf8")).pid).toBe(winners[0]);
      // No aside copies or takeover guards left behind.
      expect(await readdir(root)).toEqual(["pglite.lock"]);
    } finally {
      for (const contender of contenders) contender.send("release");
      for (const contender of contenders) expect(await contender.next()).toEqual({ result: "released" });
    }
    expect(await readdir(root)).toEqual([]);
  }

  // Losing races are rare events: each is run a few times so a regression shows up reliably.
  it.each(rounds)("exactly one process wins over %s, the others are told its pid", async (_name, setup) => {
    for (let round = 0; round < ROUNDS; round += 1) {
      await setup();
      await raceOnce();
    }
  }, 30_000);
});
