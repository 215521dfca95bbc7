import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeProcess } from "../support/node-process";

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

const LOGIN_ATTEMPTS = 10;
const PASSWORD = "graceful exit test 9";
const loginBody = (email: string) =>
  JSON.stringify({ query: `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, variables: { i: { email, password: PASSWORD } } });
const isLoginArrival = (line: Record<string, unknown>) =>
  line.msg === "incoming request" && (line.req as { path?: unknown } | undefined)?.path === "/graphql";

/**
 * Production matters most: Apollo installs its own SIGTERM handler whenever NODE_ENV is not "test".
 * Both servers start together (startup is most of the cost) before either is signalled.
 */
const MODES = ["test", "production"] as const;

describe("graceful shutdown on SIGTERM", () => {
  const started = new Map<string, Promise<{ server: NodeProcess; port: number }>>();

  async function start(nodeEnv: string): Promise<{ server: NodeProcess; port: number }> {
    const port = await freePort();
    const server = new NodeProcess("src/main.ts", {
      NODE_ENV: nodeEnv,
      JWT_SECRET: randomBytes(48).toString("base64url"),
      DATABASE_URL: "pglite:memory",
      // Signups mail a verification link: outside production it goes to a file, kept out of the checkout.
      ...(nodeEnv === "production" ? {} : { MAIL_OUTBOX_DIR: join(tmpdir(), `shutdown-outbox-${process.pid}`) }),
      HOST: "127.0.0.1",
      PORT: String(port),
      // "incoming request" lines (debug) tell exactly when every login has reached the server.
      LOG_LEVEL: "debug",
      // ~5x the default argon2 work, so ten logins keep two cores busy for about a second.
      ARGON2_TIME_COST: "10",
      // Each login in flight holds one reserved failure of the (email, IP) budget until it succeeds.
      RATE_LIMIT_LOGIN_FAILURES: String(LOGIN_ATTEMPTS),
    });
    // Generous: two servers start at once through tsx, on a machine CI may share.
    await server.waitForLog((line) => line.msg === "auth server ready", 100_000);
    return { server, port };
  }

  beforeAll(async () => {
    for (const mode of MODES) started.set(mode, start(mode));
    await Promise.allSettled(started.values());
  }, 120_000);

  afterAll(async () => {
    for (const pending of started.values()) await pending.then(({ server }) => server.stop(), () => undefined);
  });

  it.each<[(typeof MODES)[number], boolean]>([
    ["test", true],
    ["production", false],
  ])("NODE_ENV=%s: the ready line names the endpoint, and GraphiQL's URL only where it is served (%s)", async (mode, served) => {
    const { server, port } = await (started.get(mode) ?? Promise.reject(new Error(`no ${mode} server`)));
    const ready = server.logs().find((line) => line.msg === "auth server ready");
    expect(ready?.url).toBe(`http://127.0.0.1:${port}/graphql`);
    expect(ready?.graphiql).toBe(served ? `http://127.0.0.1:${port}/graphiql` : undefined);
  });

  it.each(MODES)("NODE_ENV=%s: in-flight logins finish, new connections are refused, exit code 0", async (mode) => {
    const { server, port } = await (started.get(mode) ?? Promise.reject(new Error(`no ${mode} server`)));
    const email = "shutdown@example.com";
    const signup = await post(port, JSON.stringify({ query: `mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`, variables: { i: { email, password: PASSWORD } } }));
    expect(signup.status).toBe(200);
    const before = server.logs().filter(isLoginArrival).length;

    // Keep-alive connections, as browsers and proxies use: idle ones must not hold shutdown open.
    const keepAlive = new Agent({ keepAlive: true, maxSockets: LOGIN_ATTEMPTS });
    try {
      let finished = 0;
      const logins = Array.from({ length: LOGIN_ATTEMPTS }, () =>
        post(port, loginBody(email), keepAlive).finally(() => (finished += 1)),
      );
      await server.waitForLog(isLoginArrival, 15_000, before + LOGIN_ATTEMPTS);
      server.kill("SIGTERM");
      const signalledAt = Date.now();
      expect(finished).toBeLessThan(LOGIN_ATTEMPTS); // otherwise nothing was in flight

      await server.waitForLog((line) => line.msg === "shutting down", 15_000);
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
