import { login, onlyError, type Pair, PAIR_FIELDS, signup, startServer, type TestServer } from "../support/server";

const CHANGE = `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${PAIR_FIELDS} } }`;

describe("password policy over HTTP", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it.each([
    ["password1", "This password is too common; choose another."],
    ["aaaaaaaaaaaa", "This password is one character repeated; choose another."],
    ["margaret1815", "This password contains your email address; choose another."],
  ])("signup refuses %j and says why", async (password, message) => {
    const res = await server.gql(`mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`, {
      i: { email: "Margaret@example.com", password },
    });
    expect(onlyError(res)).toMatchObject({ message, extensions: { code: "BAD_USER_INPUT", field: "password" } });
  });

  it("changePassword refuses a common new password on field newPassword", async () => {
    const pair = await signup(server, "grace@example.com");
    const res = await server.gql(CHANGE, { i: { currentPassword: "correct horse battery", newPassword: "iloveyou" } }, { token: pair.accessToken });
    expect(onlyError(res).extensions).toEqual({ code: "BAD_USER_INPUT", field: "newPassword" });
  });
});

/** Through the real server: real argon2, which sees every lone surrogate as U+FFFD. */
describe("lone surrogates in passwords over HTTP", () => {
  let server: TestServer;
  let ada: Pair;
  beforeAll(async () => {
    server = await startServer();
    ada = await signup(server, "ada@example.com", "correct horse \ufffd battery");
  });
  afterAll(async () => server?.close());

  it("signup refuses one instead of storing a password that other strings also open", async () => {
    const res = await server.gql(`mutation($i: SignupInput!) { signup(input: $i) { accessToken } }`, {
      i: { email: "bob@example.com", password: "correct horse \ud800 battery" },
    });
    expect(onlyError(res).extensions).toEqual({ code: "BAD_USER_INPUT", field: "password" });
  });

  it("login with a different password that encodes to the same bytes is refused, not signed in", async () => {
    for (const password of ["correct horse \ud800 battery", "correct horse \udc00 battery"]) {
      expect(onlyError(await login(server, "ada@example.com", password)).extensions).toEqual({ code: "BAD_USER_INPUT", field: "password" });
    }
    expect((await login(server, "ada@example.com", "correct horse \ufffd battery")).body.data?.login.user.id).toBe(ada.user.id);
  });

  it("changePassword refuses one as the current or the new password", async () => {
    const current = await server.gql(CHANGE, { i: { currentPassword: "correct horse \udbff battery", newPassword: "a brand new password" } }, { token: ada.accessToken });
    expect(onlyError(current).extensions).toEqual({ code: "BAD_USER_INPUT", field: "currentPassword" });
    const fresh = await server.gql(CHANGE, { i: { currentPassword: "correct horse \ufffd battery", newPassword: "a brand \udc01 new password" } }, { token: ada.accessToken });
    expect(onlyError(fresh).extensions).toEqual({ code: "BAD_USER_INPUT", field: "newPassword" });
  });
});
