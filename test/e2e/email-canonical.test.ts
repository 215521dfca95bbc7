import { login, onlyError, signup, startServer, type TestServer } from "../support/server";

const SIGNUP = `mutation($i: SignupInput!) { signup(input: $i) { user { id email } } }`;

/** Lookalike addresses must land on one account, through the real server and database (PGlite). */
describe("email canonical form over HTTP (PGlite)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  const signupError = async (email: string) =>
    onlyError(await server.gql(SIGNUP, { i: { email, password: "correct horse battery" } })).extensions;

  it("composed and decomposed é in the local part are one account", async () => {
    const pair = await signup(server, "jos\u00e9@example.com");
    expect(pair.user.email).toBe("jos\u00e9@example.com");
    expect(await signupError("jose\u0301@example.com")).toMatchObject({ code: "EMAIL_TAKEN" });
    expect(await signupError("JOSE\u0301@Example.com")).toMatchObject({ code: "EMAIL_TAKEN" });
    const res = await login(server, "jose\u0301@example.com");
    expect(res.body.data?.login.user.id).toBe(pair.user.id);
  });

  it("a Unicode domain and its punycode are one account, stored as punycode", async () => {
    const pair = await signup(server, "ada@b\u00fccher.de");
    expect(pair.user.email).toBe("ada@xn--bcher-kva.de");
    expect(await signupError("ada@xn--bcher-kva.de")).toMatchObject({ code: "EMAIL_TAKEN" });
    expect(await signupError("Ada@BU\u0308CHER.de")).toMatchObject({ code: "EMAIL_TAKEN" });
    expect((await login(server, "ada@xn--bcher-kva.de")).body.data?.login.user.id).toBe(pair.user.id);
  });

  it("fullwidth domain letters are the ASCII domain", async () => {
    const pair = await signup(server, "wide@example.org");
    expect(await signupError("wide@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff4f\uff52\uff47")).toMatchObject({ code: "EMAIL_TAKEN" });
    expect((await login(server, "wide@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.org")).body.data?.login.user.id).toBe(pair.user.id);
  });

  it.each([
    ["RLO", "eve\u202e@example.com"],
    ["ZWSP", "ev\u200be@example.com"],
    ["soft hyphen", "ev\u00ade@example.com"],
    ["word joiner", "ev\u2060e@example.com"],
  ])("refuses an address with an invisible %s at signup and login", async (_name, email) => {
    await signup(server, "eve@example.com").catch(() => undefined);
    expect(await signupError(email)).toEqual({ code: "BAD_USER_INPUT", field: "email" });
    expect(onlyError(await login(server, email)).extensions).toEqual({ code: "BAD_USER_INPUT", field: "email" });
  });
});
