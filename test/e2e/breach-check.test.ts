import { ConfigError } from "../../src/config";
import { createLogger } from "../../src/logger";
import { logSink } from "../support/capture";
import { type RangeServer, sha1Hex, startRangeServer } from "../support/range-server";
import { login, onlyError, PAIR_FIELDS, signup, startServer, type TestServer } from "../support/server";

const SIGNUP = `mutation($i: SignupInput!) { signup(input: $i) { user { id } } }`;
const CHANGE = `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${PAIR_FIELDS} } }`;
const BREACHED = "Tr0ub4dor&3";

/** PASSWORD_BREACH_CHECK=hibp through the real server, against a local range API. */
describe("breached-password check over HTTP", () => {
  let range: RangeServer;
  let server: TestServer;
  const lines: string[] = [];
  const warnings = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.event === "breach_check_unavailable");
  let n = 0;
  const email = () => `user${++n}@example.com`;

  beforeAll(async () => {
    range = await startRangeServer({ [BREACHED]: 52_256 });
    server = await startServer({
      env: { PASSWORD_BREACH_CHECK: "hibp", HIBP_API_URL: `${range.url}/` },
      logger: createLogger("info", logSink(lines)),
    });
  });
  afterAll(async () => {
    await server?.close();
    await range?.close();
  });
  beforeEach(() => {
    range.mode = "ok";
    range.requests.length = 0;
    lines.length = 0;
  });

  it("refuses a breached password at signup, sending only the 5-character prefix", async () => {
    const res = await server.gql(SIGNUP, { i: { email: email(), password: BREACHED } });
    expect(onlyError(res)).toMatchObject({
      message: "This password has appeared in a data breach; choose another.",
      extensions: { code: "BAD_USER_INPUT", field: "password" },
    });
    expect(range.requests.map((r) => r.path)).toEqual([`/range/${sha1Hex(BREACHED).slice(0, 5)}`]);
  });

  it("accepts a clean password, and login never asks the range API", async () => {
    const address = email();
    await signup(server, address, "correct horse battery");
    expect(range.requests).toHaveLength(1);
    expect(onlyError(await login(server, address, BREACHED)).extensions?.code).toBe("INVALID_CREDENTIALS");
    expect((await login(server, address, "correct horse battery")).body.data?.login).toBeDefined();
    expect(range.requests).toHaveLength(1);
  });

  it("refuses a breached new password in changePassword on field newPassword", async () => {
    const pair = await signup(server, email());
    const res = await server.gql(CHANGE, { i: { currentPassword: "correct horse battery", newPassword: BREACHED } }, { token: pair.accessToken });
    expect(onlyError(res).extensions).toEqual({ code: "BAD_USER_INPUT", field: "newPassword" });
  });

  it("fails open when the range API answers 500: the signup succeeds and a warning is logged, without the password or its hash", async () => {
    range.mode = "error";
    const res = await server.gql(SIGNUP, { i: { email: email(), password: BREACHED } });
    expect(res.body.errors).toBeUndefined();
    expect(warnings()).toEqual([expect.objectContaining({ level: 40, cause: "status", status: 500 })]);
    const log = lines.join("");
    for (const secret of [BREACHED, sha1Hex(BREACHED), sha1Hex(BREACHED).slice(0, 5)]) expect(log).not.toContain(secret);
  });

  it("fails open when the range API does not answer within 2 s", async () => {
    range.mode = "hang";
    const res = await server.gql(SIGNUP, { i: { email: email(), password: BREACHED } });
    expect(res.body.errors).toBeUndefined();
    expect(warnings()).toEqual([expect.objectContaining({ cause: "timeout" })]);
    expect(lines.join("")).not.toContain(sha1Hex(BREACHED).slice(0, 5));
  }, 20_000);

  it("a breached BOOTSTRAP_ADMIN_PASSWORD stops the boot with a ConfigError", async () => {
    const started = startServer({
      env: { PASSWORD_BREACH_CHECK: "hibp", HIBP_API_URL: range.url, BOOTSTRAP_ADMIN_EMAIL: "root@example.com", BOOTSTRAP_ADMIN_PASSWORD: BREACHED },
    });
    const error = await started.then(
      async (s) => {
        await s.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable: "BOOTSTRAP_ADMIN_PASSWORD", message: "BOOTSTRAP_ADMIN_PASSWORD: This password has appeared in a data breach; choose another." });
  });
});
