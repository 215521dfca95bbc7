import { login, type Pair, signup, startServer, type TestServer } from "../support/server";

/**
 * The fast lane (src/http/fast-lane) answers most requests outside Apollo's pipeline, with one
 * document cache shared by every caller. Attacks on that sharing: concurrent callers with different
 * tokens, variables and operation names on the same text, revocation between two requests, a
 * cache churned past its bound, and Unicode in documents and variables.
 */

const ADMIN = { email: "root@example.com", password: "admin password 1" };
const ME = "{ me { id email role } }";

interface Answer {
  status: number;
  requestId: string | null;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** Raw fetch: the request id and every error extension kept, to check each answer is the caller's own. */
async function post(server: TestServer, body: object, token?: string, requestId?: string): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (requestId) headers["x-request-id"] = requestId;
  const response = await fetch(`${server.url}/graphql`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, requestId: response.headers.get("x-request-id"), body: (await response.json()) as Answer["body"] };
}

describe("fast lane under attack", () => {
  let server: TestServer;
  let alice: Pair;
  let bob: Pair;
  let admin: Pair;

  beforeAll(async () => {
    server = await startServer({ env: { LOG_LEVEL: "silent", BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password } });
    alice = await signup(server, "alice-fast@example.com");
    bob = await signup(server, "bob-fast@example.com");
    admin = (await login(server, ADMIN.email, ADMIN.password)).body.data?.login as Pair;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("50 concurrent callers of one document each get their own answer, and errors carry their own request id", async () => {
    const callers = Array.from({ length: 50 }, (_, i) => [alice.accessToken, bob.accessToken, undefined, "garbage.token.here", admin.accessToken][i % 5]);
    const answers = await Promise.all(callers.map((token, i) => post(server, { query: ME }, token, `attack-${i}`)));
    answers.forEach((answer, i) => {
      const token = callers[i];
      expect(answer.requestId).toBe(`attack-${i}`);
      if (token === alice.accessToken) expect(answer.body).toEqual({ data: { me: { id: alice.user.id, email: "alice-fast@example.com", role: "USER" } } });
      else if (token === bob.accessToken) expect(answer.body).toEqual({ data: { me: { id: bob.user.id, email: "bob-fast@example.com", role: "USER" } } });
      else if (token === admin.accessToken) expect(answer.body.data?.me.role).toBe("ADMIN");
      else {
        expect(answer.body.data).toBeUndefined();
        expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED", requestId: `attack-${i}` }) })]);
      }
    });
  });

  it("the same text with different operation names and variables, concurrently, answers each request's own choice", async () => {
    const query = "query Mine { me { id } } query Page($n: Int) { users(first: $n) { id } }";
    const requests = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? { body: { query, operationName: "Mine" }, token: i % 4 === 0 ? alice.accessToken : bob.accessToken } : { body: { query, operationName: "Page", variables: { n: (i % 3) + 1 } }, token: admin.accessToken },
    );
    const answers = await Promise.all(requests.map((r) => post(server, r.body, r.token)));
    answers.forEach((answer, i) => {
      if (i % 2 === 0) expect(answer.body.data).toEqual({ me: { id: (i % 4 === 0 ? alice : bob).user.id } });
      else expect(answer.body.data?.users).toHaveLength((i % 3) + 1);
    });
    // A user choosing the admin operation of the same text is denied as a whole.
    const denied = await post(server, { query, operationName: "Page", variables: { n: 1 } }, alice.accessToken);
    expect(denied.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(denied.body.data).toBeUndefined();
  });

  it("a revoked session is refused on the next request, though the document is cached", async () => {
    const victim = await signup(server, "revoked-fast@example.com");
    expect((await post(server, { query: ME }, victim.accessToken)).body.data?.me.id).toBe(victim.user.id);
    expect((await post(server, { query: "mutation { logoutAll }" }, victim.accessToken)).body.data?.logoutAll).toBe(1);
    const after = await post(server, { query: ME }, victim.accessToken);
    expect(after.body.data).toBeUndefined();
    expect(after.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("past its bound the cache forgets, and answers stay right", async () => {
    for (let batch = 0; batch < 12; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => post(server, { query: `{ n${batch}_${i}: __typename }` })));
    }
    expect((await post(server, { query: ME }, alice.accessToken)).body.data?.me.id).toBe(alice.user.id);
    expect((await post(server, { query: `{ n0_0: __typename }` })).body.data).toEqual({ n0_0: "Query" });
  });

  it("Unicode in the document and the variables goes through unchanged", async () => {
    const query = '# commentaire: é, 𝔘, \u202e\nmutation($i: LoginInput!) { login(input: $i) { accessToken } }';
    const answer = await post(server, { query, variables: { i: { email: "ünïcødé-𝔘@example.com", password: "pässwörd 🔑🔑🔑" } } });
    expect(answer.body.errors?.[0]?.extensions?.code).toBe("INVALID_CREDENTIALS");
    const echoed = await post(server, { query: '{ a: __typename @include(if: true) }' });
    expect(echoed.body).toEqual({ data: { a: "Query" } });
  });
});
