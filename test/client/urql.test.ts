import { Client, fetchExchange, gql } from "@urql/core";
import { SessionRequestError } from "../../src/client/session-endpoint";
import { authExchange } from "../../src/client/urql";
import { fakeApi, gatedSession, until } from "./fake-api";

// `n` only makes five concurrent queries five operations (urql shares identical ones); the fake
// server ignores it.
const ME = gql`
  query Me($n: Int) {
    me {
      id
    }
  }
`;

async function setup(transport: "cookie" | "body" = "cookie") {
  const api = fakeApi();
  const kit = await gatedSession(api, transport);
  const client = new Client({ url: "http://api.test/graphql", exchanges: [authExchange(kit.session), fetchExchange], fetch: api.fetch as typeof fetch });
  const me = (n = 0) => client.query(ME, { n }, { requestPolicy: "network-only" }).toPromise();
  return { api, kit, client, me };
}

const codeOf = (result: { error?: { graphQLErrors: Array<{ extensions: Record<string, unknown> }> } }) => result.error?.graphQLErrors[0]?.extensions;

describe("the urql exchange", () => {
  it("sends the access token, and in cookie mode the transport header with credentials 'include'", async () => {
    const { api, kit, me } = await setup("cookie");
    api.accepted.add(kit.firstToken);
    await expect(me()).resolves.toMatchObject({ data: { me: { id: "u1" } } });
    expect(api.seen).toEqual([{ operationName: "Me", token: kit.firstToken, transportHeader: "cookie", credentials: "include" }]);
  });

  it("body mode: the token only", async () => {
    const { api, kit, me } = await setup("body");
    api.accepted.add(kit.firstToken);
    await me();
    expect(api.seen[0]).toMatchObject({ token: kit.firstToken, transportHeader: null });
    expect(api.seen[0]!.credentials).not.toBe("include");
  });

  it("keeps the app's own fetch headers", async () => {
    const api = fakeApi();
    const kit = await gatedSession(api);
    api.accepted.add(kit.firstToken);
    const seenHeaders: Headers[] = [];
    const fetchSpy = (url: unknown, init?: { headers?: unknown }) => {
      seenHeaders.push(new Headers(init?.headers as Record<string, string>));
      return api.fetch(url, init as never);
    };
    const client = new Client({
      url: "http://api.test/graphql",
      exchanges: [authExchange(kit.session), fetchExchange],
      fetch: fetchSpy as typeof fetch,
      fetchOptions: () => ({ headers: { "x-app-version": "7" } }),
    });
    await client.query(ME, {}).toPromise();
    expect(seenHeaders[0]!.get("x-app-version")).toBe("7");
    expect(seenHeaders[0]!.get("authorization")).toBe(`Bearer ${kit.firstToken}`);
  });

  it("five queries refused with TOKEN_EXPIRED: one refresh, each replayed once with the new token, all answered", async () => {
    const { api, kit, me } = await setup();
    const answers = Promise.all([0, 1, 2, 3, 4].map((n) => me(n)));
    await until(() => api.seen.length === 5, "five refusals");
    kit.openGate();
    const results = await answers;
    expect(results.map((r) => [r.error, r.data])).toEqual(Array(5).fill([undefined, { me: { __typename: "User", id: "u1", email: "u1@example.com" } }]));
    expect(kit.refreshes).toHaveLength(1);
    expect(api.seen).toHaveLength(10);
    expect(new Set(api.seen.slice(5).map((r) => r.token))).toEqual(new Set([kit.session.accessToken()]));
  });

  it("a refusal that arrives after the refresh finished is replayed with the new token, without another refresh", async () => {
    const { api, kit, me } = await setup();
    const releaseSecond = api.hold(1);
    kit.openGate();
    const first = me(1);
    const second = me(2);
    await first;
    expect(kit.refreshes).toHaveLength(1);
    releaseSecond();
    await expect(second).resolves.toMatchObject({ data: { me: { id: "u1" } } });
    expect(kit.refreshes).toHaveLength(1);
  });

  it("a replay refused again surfaces the error: no second refresh, no loop", async () => {
    const { api, kit, me } = await setup();
    kit.openGate();
    api.settings.refuseAll = true;
    const result = await me();
    expect(codeOf(result as never)).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    expect(kit.refreshes).toHaveLength(1);
    expect(api.seen).toHaveLength(2);
  });

  it("SESSION_REVOKED signs out, with no refresh, and the error reaches the caller", async () => {
    const { api, kit, me } = await setup();
    api.revoked.add(kit.firstToken);
    const result = await me();
    expect(codeOf(result as never)).toMatchObject({ reason: "SESSION_REVOKED" });
    expect(kit.session.status()).toBe("signed-out");
    expect(kit.refreshes).toHaveLength(0);
  });

  it("a refresh refused (INVALID_REFRESH_TOKEN) signs out and the original refusal reaches the caller", async () => {
    const { api, kit, me } = await setup();
    kit.endpoint.failWith = new SessionRequestError("INVALID_REFRESH_TOKEN", "gone");
    kit.openGate();
    const result = await me();
    expect(codeOf(result as never)).toMatchObject({ reason: "TOKEN_EXPIRED" });
    expect(kit.session.status()).toBe("signed-out");
    expect(api.seen).toHaveLength(1);
  });

  it("an operation cancelled while its refresh runs is not replayed", async () => {
    const { api, kit, client } = await setup();
    const subscription = client.query(ME, { n: 9 }, { requestPolicy: "network-only" }).subscribe(() => undefined);
    await until(() => api.seen.length === 1 && kit.refreshes.length === 1, "the refusal and its refresh");
    subscription.unsubscribe();
    kit.openGate();
    await until(() => kit.session.accessToken() !== kit.firstToken, "the refresh");
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(api.seen).toHaveLength(1);
  });
});
