import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { findProjectRoot } from "../../src/project-root";

/** A free loopback port: bound, read, released. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

interface Reply {
  status: number;
  body: string;
}

/** Without an agent: a new TCP connection that is closed after the response. */
function post(port: number, body: string, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The server as production runs it: `node --import tsx src/main.ts`, JSON logs on stdout. */
class ServerProcess {
  readonly lines: Array<Record<string, any>> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private waiters: Array<() => void> = [];
  private exitedEarly = false;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: findProjectRoot(),
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      for (const line of complete) if (line.trim()) this.lines.push(JSON.parse(line));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => process.stderr.write(chunk));
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => {
        this.exitedEarly = true;
        for (const wake of this.waiters.splice(0)) wake();
        resolve({ code, signal });
      }),
    );
  }

  /** Resolves once a log line satisfies `predicate` `count` times. */
  async waitForLog(predicate: (line: Record<string, any>) => boolean, count = 1, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.filter(predicate).length < count) {
      if (this.exitedEarly || Date.now() > deadline) {
        throw new Error(`${this.exitedEarly ? "exited" : "timed out"} before the expected log line; last: ${JSON.stringify(this.lines.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Last resort so a failed test never leaves the child running. */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

const LOGIN_ATTEMPTS = 10;
const PASSWORD = "shutdown test password";
const loginBody = (email: string) =>
  JSON.stringify({ query: `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, variables: { i: { email, password: PASSWORD } } });
const isLoginArrival = (line: Record<string, any>) => line.msg === "incoming request" && line.req?.path === "/graphql";

/**
 * Production matters most: Apollo installs its own SIGTERM handler whenever NODE_ENV is not "test".
 * Both servers start together (startup is most of the cost) before either is signalled.
 */
const MODES = ["test", "production"] as const;

describe("graceful shutdown on SIGTERM", () => {
  const started = new Map<string, Promise<{ server: ServerProcess; port: number }>>();

  async function start(nodeEnv: string): Promise<{ server: ServerProcess; port: number }> {
    const port = await freePort();
    const server = new ServerProcess({
      NODE_ENV: nodeEnv,
      JWT_SECRET: randomBytes(48).toString("base64url"),
      DATABASE_URL: "pglite:memory",
      HOST: "127.0.0.1",
      PORT: String(port),
      // "incoming request" lines tell exactly when every login has reached the server.
      LOG_LEVEL: "info",
      // ~5x the default argon2 work, so ten logins keep two cores busy for about a second.
      ARGON2_TIME_COST: "10",
    });
    await server.waitForLog((line) => line.msg === "auth server ready", 1, 40_000);
    return { server, port };
  }

  beforeAll(async () => {
    for (const mode of MODES) started.set(mode, start(mode));
    await Promise.allSettled(started.values());
  }, 60_000);

  afterAll(async () => {
    for (const pending of started.values()) await pending.then(({ server }) => server.stop(), () => undefined);
  });

  it.each(MODES)("NODE_ENV=%s: in-flight logins finish, new connections are refused, exit code 0", async (mode) => {
    const { server, port } = await (started.get(mode) ?? Promise.reject(new Error(`no ${mode} server`)));
    const email = "shutdown@example.com";
    const signup = await post(port, JSON.stringify({ query: `mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`, variables: { i: { email, password: PASSWORD } } }));
    expect(signup.status).toBe(200);
    const before = server.lines.filter(isLoginArrival).length;

    // Keep-alive connections, as browsers and proxies use: idle ones must not hold shutdown open.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: LOGIN_ATTEMPTS });
    try {
      let finished = 0;
      const logins = Array.from({ length: LOGIN_ATTEMPTS }, () =>
        post(port, loginBody(email), keepAlive).finally(() => (finished += 1)),
      );
      await server.waitForLog(isLoginArrival, before + LOGIN_ATTEMPTS);
      server.kill("SIGTERM");
      const signalledAt = Date.now();
      expect(finished).toBeLessThan(LOGIN_ATTEMPTS); // otherwise nothing was in flight

      await server.waitForLog((line) => line.msg === "shutting down");
      // A new connection while logins are still being served: refused, or answered 503.
      const late = await post(port, loginBody(email)).then(
        (reply) => reply.status,
        (error: NodeJS.ErrnoException) => error.code,
      );
      // Refused, reset while the listener closes, or answered 503: never served.
      expect(["ECONNREFUSED", "ECONNRESET", 503]).toContain(late);

      const replies = await Promise.all(logins);
      for (const reply of replies) {
        expect(reply.status).toBe(200);
        expect(JSON.parse(reply.body).data.login.accessToken).toMatch(/^eyJ/);
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
    } finally {
      keepAlive.destroy();
    }
  }, 30_000);
});
