import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { createAuthLink } from "../../src/client/apollo";
import { SessionRequestError } from "../../src/client/session-endpoint";
import { DashboardMeDocument } from "./documents";
import { fakeApi, gatedSession, until } from "./fake-api";

async function setup(transport: "cookie" | "body" = "cookie") {
  const api = fakeApi();
  const kit = await gatedSession(api, transport);
  const client = new ApolloClient({
    link: ApolloLink.from([createAuthLink(kit.session), new HttpLink({ uri: "http://api.test/graphql", fetch: api.fetch })]),
    cache: new InMemoryCache(),
    // Five identical queries at once stay five requests, as five components' would with variables.
    queryDeduplication: false,
  });
  // A typed document from codegen's client preset: data.me is { id: string; email: string }.
  const me = () => client.query({ query: DashboardMeDocument, fetchPolicy: "no-cache" });
  return { api, kit, client, me };
}

describe("the Apollo link", () => {
  it("sends the access token, and in cookie mode the transport header with credentials 'include'", async () => {
    const { api, kit, me } = await setup("cookie");
    api.accepted.add(kit.firstToken);
    const { data } = await me();
    const email: string | undefined = data?.me.email;
    expect(email).toBe("u1@example.com");
    expect(api.seen).toEqual([{ operationName: "DashboardMe", token: kit.firstToken, transportHeader: "cookie", credentials: "include" }]);
  });

  it("body mode: the token only", async () => {
    const { api, kit, me } = await setup("body");
    api.accepted.add(kit.firstToken);
    await me();
    expect(api.seen[0]).toMatchObject({ token: kit.firstToken, transportHeader: null });
    expect(api.seen[0]!.credentials).not.toBe("include");
  });

  it("five queries refused with TOKEN_EXPIRED: one refresh, each replayed once with the new token, all answered", async () => {
    const { api, kit, me } = await setup();
    const answers = Promise.all(Array.from({ length: 5 }, () => me()));
    await until(() => api.seen.length === 5, "five refusals");
    kit.openGate();
    const results = await answers;
    expect(results.map((r) => r.data)).toEqual(Array(5).fill({ me: { __typename: "User", id: "u1", email: "u1@example.com" } }));
    expect(kit.refreshes).toHaveLength(1);
    expect(api.seen).toHaveLength(10);
    expect(new Set(api.seen.slice(0, 5).map((r) => r.token))).toEqual(new Set([kit.firstToken]));
    expect(new Set(api.seen.slice(5).map((r) => r.token))).toEqual(new Set([kit.session.accessToken()]));
  });

  it("a refusal that arrives after the refresh finished is replayed with the new token, without another refresh", async () => {
    const { api, kit, me } = await setup();
    const releaseSecond = api.hold(1);
    kit.openGate();
    const first = me();
    const second = me();
    await first;
    expect(kit.refreshes).toHaveLength(1);
    releaseSecond();
    await expect(second).resolves.toMatchObject({ data: { me: { id: "u1" } } });
    expect(kit.refreshes).toHaveLength(1);
    expect(api.seen.map((r) => r.token === kit.firstToken)).toEqual([true, true, false, false]);
  });

  it("a replay refused again surfaces the error: no second refresh, no loop", async () => {
    const { api, kit, me } = await setup();
    kit.openGate();
    api.settings.refuseAll = true;
    const failure = await me().catch((e: unknown) => e);
    expect(failure).toMatchObject({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" }) })] });
    expect(kit.refreshes).toHaveLength(1);
    expect(api.seen).toHaveLength(2);
  });

  it("SESSION_REVOKED signs out, with no refresh, and the error reaches the caller", async () => {
    const { api, kit, me } = await setup();
    api.revoked.add(kit.firstToken);
    const failure = await me().catch((e: unknown) => e);
    expect(failure).toMatchObject({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ reason: "SESSION_REVOKED" }) })] });
    expect(kit.session.status()).toBe("signed-out");
    expect(kit.refreshes).toHaveLength(0);
  });

  it("a refresh refused (INVALID_REFRESH_TOKEN) signs out and the original refusal reaches the caller", async () => {
    const { api, kit, me } = await setup();
    kit.endpoint.failWith = new SessionRequestError("INVALID_REFRESH_TOKEN", "gone");
    kit.openGate();
    const failure = await me().catch((e: unknown) => e);
    expect(failure).toMatchObject({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ reason: "TOKEN_EXPIRED" }) })] });
    expect(kit.session.status()).toBe("signed-out");
    expect(api.seen).toHaveLength(1);
    // Signed out: the next query goes without a token and is not refreshed.
    await me().catch(() => undefined);
    expect(api.seen[1]!.token).toBeNull();
    expect(kit.refreshes).toHaveLength(1);
  });

  it("a token due for refresh is refreshed before the query is sent: the server never sees it", async () => {
    const { api, kit, me } = await setup();
    kit.session.dispose(); // the proactive timer stays out of it
    kit.clock.advance(870_000);
    kit.openGate();
    await expect(me()).resolves.toMatchObject({ data: { me: { id: "u1" } } });
    expect(kit.refreshes).toHaveLength(1);
    expect(api.seen.map((r) => r.token)).toEqual([kit.session.accessToken()]);
  });
});
