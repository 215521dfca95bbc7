import { APP_URL, Mailbox } from "./mailbox";
import { type GqlResponse, login, onlyError, type Pair, PAIR_FIELDS, type StartOptions, startServer, type TestServer } from "./server";
import { type SmtpCapture, type SmtpCaptureOptions, startSmtpCapture } from "./smtp-capture";

/** A new, empty database for one server (or, `durable`, for several in turn: it outlives a restart). */
export interface AccountDatabase {
  url: string;
  drop(): Promise<void>;
}
export type NewDatabase = (options?: { durable?: boolean }) => Promise<AccountDatabase>;

export const ADMIN = { email: "root@example.test", password: "admin passphrase 42" };
export const PASSWORD = "correct horse battery";

/** Mail settings, and budgets no test reaches unless it means to (every request comes from 127.0.0.1). */
export const ACCOUNT_ENV: Readonly<Record<string, string>> = {
  APP_URL,
  MAIL_FROM: "Example <no-reply@example.test>",
  BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
  BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  RATE_LIMIT_MAIL_ADDRESS: "1000",
  RATE_LIMIT_MAIL_IP: "100000",
  RATE_LIMIT_TOKEN_IP: "100000",
};

export const USER_FIELDS = "id email emailVerified role disabled";

export const OPS = {
  me: `{ me { ${USER_FIELDS} } }`,
  signup: `mutation($e: String!, $p: String!, $t: String) { signup(input: { email: $e, password: $p, inviteToken: $t }) { ${PAIR_FIELDS} user { emailVerified } } }`,
  requestEmailVerification: "mutation { requestEmailVerification }",
  verifyEmail: `mutation($t: String!) { verifyEmail(token: $t) { ${USER_FIELDS} } }`,
  requestPasswordReset: "mutation($e: String!) { requestPasswordReset(email: $e) }",
  resetPassword: `mutation($t: String!, $p: String!) { resetPassword(input: { token: $t, newPassword: $p }) { ${PAIR_FIELDS} user { emailVerified } } }`,
  requestEmailChange: "mutation($e: String!, $p: String!) { requestEmailChange(input: { newEmail: $e, currentPassword: $p }) }",
  confirmEmailChange: `mutation($t: String!) { confirmEmailChange(token: $t) { ${USER_FIELDS} } }`,
  deleteAccount: "mutation($p: String!) { deleteAccount(currentPassword: $p) }",
  disableUser: `mutation($u: ID!) { disableUser(userId: $u) { ${USER_FIELDS} } }`,
  enableUser: `mutation($u: ID!) { enableUser(userId: $u) { ${USER_FIELDS} } }`,
  revokeUserSessions: "mutation($u: ID!) { revokeUserSessions(userId: $u) }",
  deleteUser: "mutation($u: ID!) { deleteUser(userId: $u) }",
  createInvite: "mutation($e: String!, $r: Role) { createInvite(email: $e, role: $r) }",
  auditEvents: "query($u: ID) { auditEvents(first: 100, userId: $u) { type userId sessionId ip userAgent detail } }",
  refresh: `mutation($t: String) { refreshToken(refreshToken: $t) { ${PAIR_FIELDS} } }`,
} as const;

export interface AccountUser {
  id: string;
  email: string;
  emailVerified: boolean;
  role: "USER" | "ADMIN";
  disabled: boolean;
}

/** The data of a response that must have succeeded. */
export function dataOf<T>(res: GqlResponse<T>): T {
  if (res.body.errors || !res.body.data) throw new Error(`expected success, got ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** The extensions of the response's single error. */
export function errorOf(res: GqlResponse): Record<string, unknown> | undefined {
  return onlyError(res).extensions;
}

export async function signupPair(server: TestServer, email: string, password = PASSWORD, inviteToken?: string): Promise<Pair & { user: { emailVerified: boolean } }> {
  return dataOf(await server.gql<{ signup: Pair & { user: { emailVerified: boolean } } }>(OPS.signup, { e: email, p: password, t: inviteToken ?? null })).signup;
}

export async function loginPair(server: TestServer, email: string, password = PASSWORD): Promise<Pair> {
  return dataOf(await login(server, email, password)).login;
}

export async function adminToken(server: TestServer): Promise<string> {
  return (await loginPair(server, ADMIN.email, ADMIN.password)).accessToken;
}

export async function me(server: TestServer, token: string): Promise<GqlResponse<{ me: AccountUser }>> {
  return server.gql<{ me: AccountUser }>(OPS.me, {}, { token });
}

/**
 * The raw response body of an operation with the request id blanked: what a caller could compare
 * byte for byte between two requests.
 */
export async function bodyText(server: TestServer, query: string, variables: object): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const requestId = response.headers.get("x-request-id") ?? "";
  return { status: response.status, text: (await response.text()).split(requestId).join("<request-id>") };
}

export interface MailedServer {
  server: TestServer;
  smtp: SmtpCapture;
  mailbox: Mailbox;
}

/**
 * A server sending through a real SMTP capture server, on a new database, for the enclosing
 * describe: its fields are filled before the first test. The clock is reset after each test.
 */
export function serverWithMail(newDatabase: NewDatabase, settings: { env?: Record<string, string>; capture?: SmtpCaptureOptions } & Omit<StartOptions, "databaseUrl" | "env"> = {}): MailedServer {
  const holder = {} as MailedServer;
  let db: AccountDatabase | undefined;
  beforeAll(async () => {
    const { env, capture, ...options } = settings;
    db = await newDatabase();
    holder.smtp = await startSmtpCapture(capture);
    holder.mailbox = new Mailbox(holder.smtp);
    holder.server = await startServer({ ...options, databaseUrl: db.url, env: { ...ACCOUNT_ENV, SMTP_URL: holder.smtp.url, ...env } });
  });
  afterEach(() => holder.server?.clock.reset());
  afterAll(async () => {
    await holder.server?.close();
    await holder.smtp?.close();
    await db?.drop();
  });
  return holder;
}

/** Polls `probe` every `everyMs` until it returns true; resolves with the elapsed ms, or rejects after `withinMs`. */
export async function within(withinMs: number, everyMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
