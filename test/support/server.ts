import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, type AppOverrides, createApp } from "../../src/app";
import { loadConfig } from "../../src/config";
import { offsetClock } from "./offset-clock";

export const E2E_SECRET = randomBytes(48).toString("base64url");

const TEST_OUTBOX_DIR = join(tmpdir(), `graphql-auth-test-outbox-${process.pid}`);

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }> };
}

export interface TestServer {
  app: App;
  url: string;
  clock: ReturnType<typeof offsetClock>;
  gql<T = Record<string, any>>(query: string, variables?: object, options?: { token?: string; headers?: Record<string, string> }): Promise<GqlResponse<T>>;
  close(): Promise<void>;
}

/** A real server (Fastify + Apollo + argon2 + database) on an ephemeral loopback port. */
export interface StartOptions {
  databaseUrl?: string;
  /** The server's modules instead of the registered ones (e.g. with a test fixture module). */
  modules?: AppOverrides["modules"];
  env?: Record<string, string>;
  logger?: AppOverrides["logger"];
  /** False: Apollo answers every request (test/http/fast-lane compares the two). */
  fastLane?: boolean;
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: "test",
    JWT_SECRET: E2E_SECRET,
    DATABASE_URL: options.databaseUrl ?? "pglite:memory",
    PORT: "0",
    HOST: "127.0.0.1",
    // Every request comes from 127.0.0.1; tests about limits set their own.
    RATE_LIMIT_LOGIN_FAILURES: "1000",
    RATE_LIMIT_LOGIN_ACCOUNT: "100000",
    RATE_LIMIT_LOGIN_IP: "100000",
    RATE_LIMIT_SIGNUP_IP: "100000",
    RATE_LIMIT_REFRESH_IP: "100000",
    // Without SMTP_URL, mail (every signup's verification link) goes to files: keep them out of the checkout.
    ...(options.env?.NODE_ENV === "production" ? {} : { MAIL_OUTBOX_DIR: TEST_OUTBOX_DIR }),
    ...options.env,
  });
  const clock = offsetClock();
  const app = await createApp(config, {
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.modules ? { modules: options.modules } : {}),
    ...(options.fastLane === false ? { fastLane: false } : {}),
  });
  const url = await app.listen();
  const gql = async <T,>(query: string, variables?: object, opts: { token?: string; headers?: Record<string, string> } = {}): Promise<GqlResponse<T>> => {
    const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const response = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as GqlResponse<T>["body"];
    return { status: response.status, headers: response.headers, body: withoutRequestIds(body, response.headers) };
  };
  return { app, url, clock, gql, close: () => app.close() };
}

export const PAIR_FIELDS = "accessToken refreshToken tokenType accessTokenExpiresAt refreshTokenExpiresAt user { id email role createdAt }";

export interface Pair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  user: { id: string; email: string; role: "USER" | "ADMIN"; createdAt: string };
}

export async function signup(server: TestServer, email: string, password = "correct horse battery"): Promise<Pair> {
  const res = await server.gql<{ signup: Pair }>(`mutation($i: SignupInput!) { signup(input: $i) { ${PAIR_FIELDS} } }`, {
    i: { email, password },
  });
  if (!res.body.data?.signup) throw new Error(`signup failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.signup;
}

export async function login(server: TestServer, email: string, password = "correct horse battery"): Promise<GqlResponse<{ login: Pair }>> {
  return server.gql<{ login: Pair }>(`mutation($i: LoginInput!) { login(input: $i) { ${PAIR_FIELDS} } }`, { i: { email, password } });
}

export async function refresh(server: TestServer, refreshToken: string | null): Promise<GqlResponse<{ refreshToken: Pair }>> {
  return server.gql<{ refreshToken: Pair }>(`mutation($t: String) { refreshToken(refreshToken: $t) { ${PAIR_FIELDS} } }`, { t: refreshToken });
}

/** The single error of a response, asserting there is exactly one. */
export function onlyError(res: GqlResponse): { message: string; extensions?: Record<string, any> } {
  if (res.body.errors?.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(res.body)}`);
  return res.body.errors[0]!;
}

/** Runs `work` against a fresh server and always closes it, so a failed assertion cannot leak a handle. */
export async function withServer<T>(options: StartOptions, work: (s: TestServer) => Promise<T>): Promise<T> {
  const server = await startServer(options);
  try {
    return await work(server);
  } finally {
    await server.close();
  }
}

/**
 * Every error must carry the response's x-request-id (the contract clients quote to support).
 * Checked here for every e2e request, then removed so assertions can compare the rest exactly.
 */
function withoutRequestIds<T>(body: GqlResponse<T>["body"], headers: Headers): GqlResponse<T>["body"] {
  const requestId = headers.get("x-request-id");
  if (!requestId) throw new Error("response without an x-request-id header");
  if (!body.errors) return body;
  const errors = body.errors.map((error) => {
    const { requestId: carried, ...extensions } = error.extensions ?? {};
    if (carried !== requestId) throw new Error(`error without the request id ${requestId}: ${JSON.stringify(error)}`);
    return { ...error, extensions };
  });
  return { ...body, errors };
}
