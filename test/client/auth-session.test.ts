import { type AuthSession, createAuthSession, SessionEndedError } from "../../src/client/auth-session";
import { localStorageRefreshTokenStore, memoryRefreshTokenStore } from "../../src/client/refresh-token-store";
import { SessionRequestError } from "../../src/client/session-endpoint";
import { singleTabCoordinator, type TabCoordinator } from "../../src/client/tab-coordinator";
import { accessTokenState } from "../../src/client/token-lifetime";
import type { AuthSessionEvent } from "../../src/client/types";
import { until } from "./fake-api";
import { fakeProfile, grant, manualClock, scriptedEndpoint, settle } from "./fakes";

const T0 = 1_700_000_000_000;

function setup(options: { transport?: "cookie" | "body"; coordinator?: TabCoordinator; endpoint?: ReturnType<typeof scriptedEndpoint>; clock?: ReturnType<typeof manualClock>; store?: ReturnType<typeof memoryRefreshTokenStore> } = {}) {
  const clock = options.clock ?? manualClock(T0);
  const endpoint = options.endpoint ?? scriptedEndpoint();
  const coordinator = options.coordinator ?? singleTabCoordinator();
  const session = createAuthSession({
    url: "/graphql",
    transport: options.transport ?? "cookie",
    clock,
    endpoint,
    coordinator,
    ...(options.store ? { store: options.store } : {}),
  });
  const events: AuthSessionEvent[] = [];
  session.subscribe((event) => events.push(event));
  return { session, clock, endpoint, coordinator, events };
}

async function signedIn(label = "a1", options: Parameters<typeof setup>[0] = {}) {
  const fixture = setup(options);
  const transport = options.transport ?? "cookie";
  await fixture.session.signIn(grant(label, fixture.clock.now(), 900, transport === "body" ? `${label}-refresh` : null));
  fixture.events.length = 0;
  return fixture;
}

const tokenOf = (session: AuthSession) => session.accessToken();
const subOf = (token: string | null) => (token ? JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sub : null);

describe("signing in", () => {
  it("keeps the access token, tells listeners and the other tabs, and writes the shared record", async () => {
    const profile = fakeProfile();
    const { session, clock, events } = setup({ coordinator: profile.tab() });
    expect(session.status()).toBe("unknown");
    await session.signIn(grant("a1", clock.now()));
    expect(session.status()).toBe("signed-in");
    expect(subOf(tokenOf(session))).toBe("a1");
    expect(events).toEqual([{ type: "signed-in", origin: "this-tab" }]);
    expect(profile.posted).toEqual([{ type: "signed-in", state: expect.objectContaining({ accessToken: tokenOf(session) }) }]);
    expect(profile.record?.accessToken).toBe(tokenOf(session));
  });

  it("cookie mode refuses a payload carrying the refresh token (the cookie was never set) and says why", async () => {
    const { session, clock } = setup({ transport: "cookie" });
    await expect(session.signIn(grant("a1", clock.now(), 900, "r1"))).rejects.toThrow(/x-refresh-token-transport: cookie/);
    expect(session.status()).toBe("unknown");
  });

  it("body mode refuses a payload without the refresh token", async () => {
    const { session, clock } = setup({ transport: "body" });
    await expect(session.signIn(grant("a1", clock.now(), 900, null))).rejects.toThrow(/transport "cookie"/);
  });

  it("body mode stores the refresh token; the default store is memory, so a new session starts signed out", async () => {
    const store = memoryRefreshTokenStore();
    const { session, clock } = setup({ transport: "body", store });
    expect(session.status()).toBe("signed-out");
    await session.signIn(grant("a1", clock.now(), 900, "r1"));
    expect(store.load()).toBe("r1");
    expect(setup({ transport: "body" }).session.status()).toBe("signed-out");
  });

  it("headers: the bearer token and the CSRF preflight header, plus the transport header in cookie mode; credentials 'include' in cookie mode only", async () => {
    const { session } = await signedIn("a1");
    const csrf = { "apollo-require-preflight": "true" };
    expect(session.requestHeaders("t")).toEqual({ ...csrf, authorization: "Bearer t", "x-refresh-token-transport": "cookie" });
    expect(session.requestHeaders(null)).toEqual({ ...csrf, "x-refresh-token-transport": "cookie" });
    expect(session.credentials).toBe("include");
    const body = await signedIn("b1", { transport: "body" });
    expect(body.session.requestHeaders("t")).toEqual({ ...csrf, authorization: "Bearer t" });
    expect(body.session.credentials).toBeUndefined();
  });
});

describe("single-flight refresh", () => {
  it("five operations refused with the same token cause one refreshToken call, and all get the new token", async () => {
    const { session, endpoint, clock, events } = await signedIn("a1");
    const stale = tokenOf(session);
    const waiting = Array.from({ length: 5 }, () => session.refresh(stale));
    await settle();
    expect(endpoint.refreshCalls).toHaveLength(1);
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    const tokens = await Promise.all(waiting);
    expect(new Set(tokens.map(subOf))).toEqual(new Set(["a2"]));
    expect(endpoint.refreshCalls).toHaveLength(1);
    expect(events).toEqual([{ type: "refreshed", origin: "this-tab" }]);
  });

  it("an operation refused with a token the session has already replaced gets the current one without a call", async () => {
    const { session, endpoint, clock } = await signedIn("a1");
    const stale = tokenOf(session);
    const first = session.refresh(stale);
    await settle();
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    await first;
    // The sixth failure arrives after the refresh finished.
    await expect(session.refresh(stale).then(subOf)).resolves.toBe("a2");
    expect(endpoint.refreshCalls).toHaveLength(1);
  });

  it("refresh() without a stale token always asks the server", async () => {
    const { session, endpoint, clock } = await signedIn("a1");
    const forced = session.refresh();
    await settle();
    expect(endpoint.refreshCalls).toHaveLength(1);
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    await expect(forced.then(subOf)).resolves.toBe("a2");
  });

  it("body mode presents the stored refresh token and keeps the rotated one", async () => {
    const store = memoryRefreshTokenStore();
    const { session, endpoint, clock } = await signedIn("a1", { transport: "body", store });
    const refreshed = session.refresh(tokenOf(session));
    await settle();
    expect(endpoint.refreshCalls[0]!.refreshToken).toBe("a1-refresh");
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now(), 900, "r2"));
    await refreshed;
    expect(store.load()).toBe("r2");
  });
});

describe("proactive refresh", () => {
  it("a timer refreshes at expiry minus the margin, once, then waits for the next token's time", async () => {
    const { session, endpoint, clock } = await signedIn("a1");
    clock.advance(869_999);
    await settle();
    expect(endpoint.refreshCalls).toHaveLength(0);
    clock.advance(1);
    await settle();
    expect(endpoint.refreshCalls).toHaveLength(1);
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    await settle();
    expect(subOf(tokenOf(session))).toBe("a2");
    clock.advance(869_999);
    await settle();
    expect(endpoint.refreshCalls).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(endpoint.refreshCalls).toHaveLength(2);
  });

  it("freshAccessToken(): the current token while not due, a refreshed one once due (a throttled background tab)", async () => {
    const { session, endpoint, clock } = await signedIn("a1");
    session.dispose(); // no timer: as if the browser held it back
    await expect(session.freshAccessToken().then(subOf)).resolves.toBe("a1");
    expect(endpoint.refreshCalls).toHaveLength(0);
    clock.advance(870_000);
    const fresh = session.freshAccessToken();
    await settle();
    expect(endpoint.refreshCalls).toHaveLength(1);
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    await expect(fresh.then(subOf)).resolves.toBe("a2");
  });

  it("a passing failure keeps the session: freshAccessToken() answers the current token, the error goes to onBackgroundError", async () => {
    const clock = manualClock(T0);
    const endpoint = scriptedEndpoint();
    const onBackgroundError = jest.fn();
    const session = createAuthSession({ url: "/graphql", transport: "cookie", clock, endpoint, coordinator: singleTabCoordinator(), onBackgroundError });
    await session.signIn(grant("a1", clock.now()));
    clock.advance(870_000);
    await settle();
    endpoint.refreshCalls[0]!.answer.reject(new SessionRequestError("NETWORK_ERROR", "offline"));
    await settle();
    expect(onBackgroundError).toHaveBeenCalledWith(expect.objectContaining({ code: "NETWORK_ERROR" }));
    expect(session.status()).toBe("signed-in");
    const fresh = session.freshAccessToken();
    await settle();
    endpoint.refreshCalls[1]!.answer.reject(new SessionRequestError("SERVICE_UNAVAILABLE", "down"));
    await expect(fresh.then(subOf)).resolves.toBe("a1");
  });
});

describe("when the session ends", () => {
  it.each([
    ["INVALID_REFRESH_TOKEN", "INVALID_REFRESH_TOKEN"],
    ["REFRESH_TOKEN_REUSED", "REFRESH_TOKEN_REUSED"],
  ] as const)("a refresh answered %s signs out here and in every tab", async (code, reason) => {
    const profile = fakeProfile();
    const { session, endpoint, events } = await signedIn("a1", { coordinator: profile.tab() });
    profile.posted.length = 0;
    const refreshed = session.refresh(tokenOf(session));
    await settle();
    endpoint.refreshCalls[0]!.answer.reject(new SessionRequestError(code, "no"));
    const failure = await refreshed.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SessionEndedError);
    expect(failure).toMatchObject({ reason });
    expect(session.status()).toBe("signed-out");
    expect(tokenOf(session)).toBeNull();
    expect(events).toEqual([{ type: "signed-out", reason, origin: "this-tab" }]);
    expect(profile.posted).toEqual([{ type: "signed-out", reason }]);
    expect(profile.record).toBeNull();
    await expect(session.refresh()).rejects.toMatchObject({ reason: "NOT_SIGNED_IN" });
    await expect(session.freshAccessToken()).resolves.toBeNull();
    expect(endpoint.refreshCalls).toHaveLength(1);
  });

  it("end(reason, token) ends the session the token belongs to, refreshed since or not, and ignores a token of an earlier session", async () => {
    const profile = fakeProfile();
    const { session, endpoint, clock, events } = await signedIn("a1", { coordinator: profile.tab() });
    const earlierSession = tokenOf(session);
    await session.signIn(grant("b1", clock.now(), 900, null, "s2"));
    const beforeRefresh = tokenOf(session);
    const refreshed = session.refresh(beforeRefresh);
    await settle();
    endpoint.refreshCalls[0]!.answer.resolve(grant("b2", clock.now(), 900, null, "s2"));
    await refreshed;
    events.length = 0;
    session.end("SESSION_REVOKED", earlierSession);
    session.end("SESSION_REVOKED", null);
    expect(session.status()).toBe("signed-in");
    session.end("SESSION_REVOKED", beforeRefresh);
    await settle();
    expect(session.status()).toBe("signed-out");
    expect(events).toEqual([{ type: "signed-out", reason: "SESSION_REVOKED", origin: "this-tab" }]);
    expect(profile.posted.at(-1)).toEqual({ type: "signed-out", reason: "SESSION_REVOKED" });
  });

  it("signOut() forgets the session at once, tells the tabs, then logs out on the server with what it had", async () => {
    const profile = fakeProfile();
    const { session, endpoint, events } = await signedIn("a1", { coordinator: profile.tab(), transport: "body", store: memoryRefreshTokenStore() });
    const token = tokenOf(session);
    const signingOut = session.signOut();
    expect(session.status()).toBe("signed-out");
    expect(events).toEqual([{ type: "signed-out", reason: "SIGNED_OUT", origin: "this-tab" }]);
    await signingOut;
    expect(endpoint.logoutCalls).toEqual([{ refreshToken: "a1-refresh", accessToken: token }]);
    expect(profile.posted.at(-1)).toEqual({ type: "signed-out", reason: "SIGNED_OUT" });
    expect(profile.record).toBeNull();
  });

  it("signOut() still signs out here when the server cannot be reached", async () => {
    const { session, endpoint } = await signedIn("a1");
    endpoint.logout = async () => {
      throw new SessionRequestError("NETWORK_ERROR", "offline");
    };
    await expect(session.signOut()).resolves.toBeUndefined();
    expect(session.status()).toBe("signed-out");
  });

  it("a refresh answered after a sign-out is discarded", async () => {
    const { session, endpoint, clock } = await signedIn("a1");
    const refreshed = session.refresh(tokenOf(session));
    await settle();
    await session.signOut();
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    await expect(refreshed).rejects.toBeInstanceOf(SessionEndedError);
    expect(session.status()).toBe("signed-out");
    expect(tokenOf(session)).toBeNull();
  });
});

describe("restoring a session (status unknown)", () => {
  it("cookie mode: the first token asked for is a refresh from the cookie", async () => {
    const { session, endpoint, clock, events } = setup({ transport: "cookie" });
    const fresh = session.freshAccessToken();
    await settle();
    expect(endpoint.refreshCalls).toEqual([expect.objectContaining({ refreshToken: null })]);
    endpoint.refreshCalls[0]!.answer.resolve(grant("a1", clock.now()));
    await expect(fresh.then(subOf)).resolves.toBe("a1");
    expect(session.status()).toBe("signed-in");
    expect(events).toEqual([{ type: "signed-in", origin: "this-tab" }]);
  });

  it("no cookie (REFRESH_TOKEN_MISSING): signed out, no token, and the other tabs are not told", async () => {
    const profile = fakeProfile();
    const { session, endpoint, events } = setup({ transport: "cookie", coordinator: profile.tab() });
    const fresh = session.freshAccessToken();
    await settle();
    endpoint.refreshCalls[0]!.answer.reject(new SessionRequestError("INVALID_REFRESH_TOKEN", "nothing sent", "REFRESH_TOKEN_MISSING"));
    await expect(fresh).resolves.toBeNull();
    expect(session.status()).toBe("signed-out");
    expect(events).toEqual([{ type: "signed-out", reason: "INVALID_REFRESH_TOKEN", origin: "this-tab" }]);
    expect(profile.posted).toEqual([]);
  });

  it("a token another tab left in the shared record is taken without asking the server", async () => {
    const profile = fakeProfile();
    const clock = manualClock(T0);
    const first = setup({ coordinator: profile.tab("A"), clock });
    await first.session.signIn(grant("a1", clock.now()));
    const second = setup({ coordinator: profile.tab("B"), clock });
    await expect(second.session.freshAccessToken()).resolves.toBe(tokenOf(first.session));
    expect(second.endpoint.refreshCalls).toHaveLength(0);
    expect(second.events).toEqual([{ type: "signed-in", origin: "other-tab" }]);
  });
});

describe("two tabs of one profile", () => {
  async function twoTabs(options: Parameters<typeof fakeProfile>[0] = {}) {
    const profile = fakeProfile(options);
    const clock = manualClock(T0);
    const endpoint = scriptedEndpoint();
    const a = setup({ coordinator: profile.tab("A"), clock, endpoint });
    const b = setup({ coordinator: profile.tab("B"), clock, endpoint });
    await a.session.signIn(grant("a1", clock.now()));
    await new Promise((resolve) => setTimeout(resolve, 0));
    a.events.length = 0;
    b.events.length = 0;
    return { profile, clock, endpoint, a, b };
  }

  it("a sign-in in one tab signs the other in with the same token", async () => {
    const { a, b } = await twoTabs();
    expect(b.session.status()).toBe("signed-in");
    expect(tokenOf(b.session)).toBe(tokenOf(a.session));
  });

  it.each([
    ["the lock is handed over before the broadcast arrives (the shared record tells)", {}],
    ["the broadcast arrives before the lock is handed over", { handOverLockAfterMessages: true }],
    ["the broadcast arrives while the waiting tab reads the shared record", { slowRecord: true }],
  ])("both refused at once: exactly one refreshToken call when %s", async (_order, order) => {
    const { a, b, endpoint, clock, profile } = await twoTabs(order);
    const stale = tokenOf(a.session);
    const fromA = Array.from({ length: 5 }, () => a.session.refresh(stale));
    const fromB = Array.from({ length: 5 }, () => b.session.refresh(stale));
    await until(() => endpoint.refreshCalls.length > 0, "a refresh");
    expect(endpoint.refreshCalls).toHaveLength(1);
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    const tokens = await Promise.all([...fromA, ...fromB]);
    expect(new Set(tokens.map(subOf))).toEqual(new Set(["a2"]));
    expect(endpoint.refreshCalls).toHaveLength(1);
    expect(profile.lockHolders).toEqual(["A", "B"]);
    expect(b.events).toEqual([{ type: "refreshed", origin: "other-tab" }]);
  });

  it("a refresh in one tab reaches the other at once over the channel", async () => {
    const { a, b, endpoint, clock } = await twoTabs();
    const refreshed = a.session.refresh();
    await settle();
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now()));
    await refreshed;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(subOf(tokenOf(b.session))).toBe("a2");
    expect(b.events).toEqual([{ type: "refreshed", origin: "other-tab" }]);
  });

  it("a late message about an older token does not replace a newer one", async () => {
    const { b, clock, profile } = await twoTabs();
    const third = profile.tab("C");
    // B learns of generation 3 first, then receives generation 2's broadcast.
    third.post({ type: "refreshed", state: accessTokenState(grant("a3", clock.now()), clock.now(), 3) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    third.post({ type: "refreshed", state: accessTokenState(grant("a2", clock.now()), clock.now(), 2) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(subOf(tokenOf(b.session))).toBe("a3");
    expect(b.events).toEqual([{ type: "refreshed", origin: "other-tab" }]);
  });

  it("a sign-out in one tab signs the other out; only that tab calls logout", async () => {
    const { a, b } = await twoTabs();
    await a.session.signOut();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(b.session.status()).toBe("signed-out");
    expect(b.events).toEqual([{ type: "signed-out", reason: "SIGNED_OUT", origin: "other-tab" }]);
    expect(b.endpoint.logoutCalls).toHaveLength(1); // A's, the only one
  });

  it("body mode with a shared store: a tab told of a sign-out leaves the store to the tab that may have signed in again", async () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
    const profile = fakeProfile();
    const clock = manualClock(T0);
    const a = setup({ transport: "body", coordinator: profile.tab("A"), clock, store: localStorageRefreshTokenStore("k", storage) });
    const b = setup({ transport: "body", coordinator: profile.tab("B"), clock, store: localStorageRefreshTokenStore("k", storage) });
    await a.session.signIn(grant("a1", clock.now(), 900, "r1"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await a.session.signOut();
    await a.session.signIn(grant("a2", clock.now(), 900, "r2", "s2"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(items.get("k")).toBe("r2");
    expect(b.session.status()).toBe("signed-in");
    expect(b.events.map((e) => e.type)).toEqual(["signed-in", "signed-out", "signed-in"]);
  });

  it("body mode with a shared (localStorage) store: the tab that refreshes rotates the token for both", async () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
    const profile = fakeProfile();
    const clock = manualClock(T0);
    const endpoint = scriptedEndpoint();
    const a = setup({ transport: "body", coordinator: profile.tab("A"), clock, endpoint, store: localStorageRefreshTokenStore("k", storage) });
    await a.session.signIn(grant("a1", clock.now(), 900, "r1"));
    const b = setup({ transport: "body", coordinator: profile.tab("B"), clock, endpoint, store: localStorageRefreshTokenStore("k", storage) });
    expect(b.session.status()).toBe("unknown");
    clock.advance(870_000);
    const fromB = b.session.freshAccessToken();
    await settle();
    expect(endpoint.refreshCalls.map((c) => c.refreshToken)).toEqual(["r1"]);
    endpoint.refreshCalls[0]!.answer.resolve(grant("a2", clock.now(), 900, "r2"));
    await expect(fromB.then(subOf)).resolves.toBe("a2");
    expect(items.get("k")).toBe("r2");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(subOf(tokenOf(a.session))).toBe("a2");
  });
});
