import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Exit, NodeProcess } from "../support/node-process";

const PASSWORD = "embedded lock password";
const isReady = (line: Record<string, unknown>) => line.msg === "auth server ready";
/** PGlite boots in a few seconds alone, but far slower on a shared, busy machine. */
const BOOT_MS = 150_000;

/**
 * Two `npm start` in one folder used to open the same PGlite directory, each with its own copy in
 * memory: the unique email rule held in neither and the last to exit overwrote the other's data.
 * Real processes, because the lock is between processes.
 */
describe("one process owns an embedded database directory", () => {
  let root: string;
  let dataDir: string;
  let databaseUrl: string;
  let env: Record<string, string>;
  let first: NodeProcess;
  let baseUrl: string;
  const others: NodeProcess[] = [];

  function server(): NodeProcess {
    const child = new NodeProcess("src/main.ts", env);
    others.push(child);
    return child;
  }

  async function urlOf(child: NodeProcess): Promise<string> {
    await child.waitForLog(isReady, BOOT_MS);
    const url = child.logs().find(isReady)?.url;
    if (typeof url !== "string") throw new Error("ready line without a url");
    return url.replace(/\/graphql$/, "");
  }

  /** Exits, or fails the test the moment the process reports it is serving. */
  async function refusedExit(child: NodeProcess): Promise<Exit> {
    const served = child.waitForLog(isReady, BOOT_MS).then(
      () => Promise.reject(new Error(`a second process served the same directory: ${child.lines.join("\n")}`)),
      () => new Promise<never>(() => undefined),
    );
    return Promise.race([child.exited, served]);
  }

  async function gql(url: string, query: string, variables: object) {
    const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: Record<string, { user: { id: string; email: string } }> | null; errors?: unknown[] };
  }

  const signup = (url: string, email: string) =>
    gql(url, `mutation($i: SignupInput!) { signup(input: $i) { user { id email } } }`, { i: { email, password: PASSWORD } });
  const login = (url: string, email: string) =>
    gql(url, `mutation($i: LoginInput!) { login(input: $i) { user { id email } } }`, { i: { email, password: PASSWORD } });

  const inUse = () =>
    `Database directory ${dataDir} is in use by process ${first.pid} (DATABASE_URL=${databaseUrl}); stop that process or point DATABASE_URL elsewhere.\n`;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(path.join(os.tmpdir(), "auth-dblock-")));
    dataDir = path.join(root, "db");
    databaseUrl = `pglite:${dataDir}`;
    env = {
      NODE_ENV: "test",
      JWT_SECRET: randomBytes(48).toString("base64url"),
      DATABASE_URL: databaseUrl,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "info",
    };
    first = server();
    baseUrl = await urlOf(first);
  }, BOOT_MS + 30_000);

  afterAll(async () => {
    for (const child of others) await child.stop();
    await rm(root, { recursive: true, force: true });
  });

  it("refuses a second server before it listens, with one line naming the directory, the owner and DATABASE_URL", async () => {
    const created = await signup(baseUrl, "first@example.com");
    expect(created.errors).toBeUndefined();

    const second = server();
    expect(await refusedExit(second)).toEqual({ code: 1, signal: null });
    expect(second.stderr).toBe(inUse());
    // Nothing logged at info level: it stopped before booting PGlite, let alone listening.
    expect(second.lines).toEqual([]);
  }, BOOT_MS + 30_000);

  it("leaves the first server serving, with its data intact", async () => {
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
    expect((await login(baseUrl, "first@example.com")).data?.login?.user.email).toBe("first@example.com");
    // The unique email rule still holds: there is one copy of the users table.
    expect((await signup(baseUrl, "first@example.com")).errors).toHaveLength(1);
  });

  it("refuses npm run db:migrate on the same directory with the same line", async () => {
    const migrator = new NodeProcess("src/migrate.ts", { DATABASE_URL: databaseUrl });
    others.push(migrator);
    expect(await migrator.exited).toEqual({ code: 1, signal: null });
    expect(migrator.stderr).toBe(inUse());
    expect(migrator.lines).toEqual([]);
  }, BOOT_MS);

  it("recovers the lock of a killed server at the next start, keeping the data written before", async () => {
    const killed = first.exited;
    first.kill("SIGKILL");
    expect(await killed).toEqual({ code: null, signal: "SIGKILL" });
    // A crash cannot remove its lock: the file still names the dead process.
    expect(JSON.parse(await readFile(`${dataDir}.lock`, "utf8")).pid).toBe(first.pid);

    const next = server();
    const url = await urlOf(next);
    expect(JSON.parse(await readFile(`${dataDir}.lock`, "utf8")).pid).toBe(next.pid);
    expect((await login(url, "first@example.com")).data?.login?.user.email).toBe("first@example.com");

    const stopped = next.exited;
    next.kill("SIGTERM");
    expect(await stopped).toEqual({ code: 0, signal: null });
    // A clean shutdown leaves nothing behind.
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, BOOT_MS + 30_000);
});
