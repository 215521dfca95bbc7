import { type FetchInit, httpSessionEndpoint, SessionRequestError } from "../../src/client/session-endpoint";
import { manualClock } from "./fakes";

function fakeFetch(answer: (init: FetchInit) => { status?: number; body: unknown } | Promise<never>) {
  const calls: Array<{ url: string; init: FetchInit }> = [];
  const fetch = async (url: string, init: FetchInit) => {
    calls.push({ url, init });
    const { status = 200, body } = await answer(init);
    return { ok: status < 300, status, json: async () => (typeof body === "string" ? JSON.parse(body) : body) };
  };
  return { fetch, calls };
}

const PAIR = { accessToken: "a2", accessTokenExpiresAt: "2026-01-01T00:15:00.000Z", refreshToken: "r2" };

describe("the kit's own refresh and logout requests", () => {
  it("cookie mode: asks for the cookie transport, sends credentials, no refresh token in the body", async () => {
    const { fetch, calls } = fakeFetch(() => ({ body: { data: { refreshToken: { ...PAIR, refreshToken: null } } } }));
    const endpoint = httpSessionEndpoint({ url: "https://api.example.com/graphql", transport: "cookie", fetch });
    await expect(endpoint.refresh(null)).resolves.toEqual({ ...PAIR, refreshToken: null });
    const { url, init } = calls[0]!;
    expect(url).toBe("https://api.example.com/graphql");
    expect(init).toMatchObject({ method: "POST", credentials: "include", headers: { "content-type": "application/json", "x-refresh-token-transport": "cookie" } });
    expect(JSON.parse(init.body)).toEqual({
      operationName: "AuthKitRefreshToken",
      query: expect.stringContaining("refreshToken(refreshToken: $refreshToken)"),
      variables: { refreshToken: null },
    });
  });

  it("body mode: the refresh token as the argument, no cookie header, no credentials", async () => {
    const { fetch, calls } = fakeFetch(() => ({ body: { data: { refreshToken: PAIR } } }));
    const endpoint = httpSessionEndpoint({ url: "/graphql", transport: "body", fetch });
    await expect(endpoint.refresh("r1")).resolves.toEqual(PAIR);
    expect(calls[0]!.init.credentials).toBeUndefined();
    expect(calls[0]!.init.headers["x-refresh-token-transport"]).toBeUndefined();
    expect(JSON.parse(calls[0]!.init.body).variables).toEqual({ refreshToken: "r1" });
  });

  it("a GraphQL error becomes a SessionRequestError with the server's code and reason", async () => {
    const { fetch } = fakeFetch(() => ({
      body: { data: null, errors: [{ message: "No refresh token was sent", extensions: { code: "INVALID_REFRESH_TOKEN", reason: "REFRESH_TOKEN_MISSING" } }] },
    }));
    const failure = await httpSessionEndpoint({ url: "/graphql", transport: "cookie", fetch }).refresh(null).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SessionRequestError);
    expect(failure).toMatchObject({ code: "INVALID_REFRESH_TOKEN", reason: "REFRESH_TOKEN_MISSING", message: "No refresh token was sent" });
  });

  it("no answer is NETWORK_ERROR, a non-GraphQL answer BAD_RESPONSE", async () => {
    const offline = fakeFetch(() => Promise.reject(new TypeError("Failed to fetch")));
    await expect(httpSessionEndpoint({ url: "/graphql", transport: "cookie", fetch: offline.fetch }).refresh(null)).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    const broken = fakeFetch(() => ({ status: 502, body: "null" }));
    await expect(httpSessionEndpoint({ url: "/graphql", transport: "cookie", fetch: broken.fetch }).refresh(null)).rejects.toMatchObject({ code: "BAD_RESPONSE" });
  });

  it("a request left unanswered is aborted after the timeout, so a tab holding the refresh lock lets go", async () => {
    const clock = manualClock();
    let signal: AbortSignal | undefined;
    const fetch = (_url: string, init: FetchInit) =>
      new Promise<never>((_resolve, reject) => {
        signal = init.signal;
        init.signal?.addEventListener("abort", () => reject(new Error("aborted")));
      });
    const pending = httpSessionEndpoint({ url: "/graphql", transport: "cookie", fetch, clock, timeoutMs: 5_000 }).refresh(null);
    clock.advance(4_999);
    expect(signal?.aborted).toBe(false);
    clock.advance(1);
    await expect(pending).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    expect(clock.pending()).toBe(0);
  });

  it("logout sends the refresh token (body mode) and the bearer token", async () => {
    const { fetch, calls } = fakeFetch(() => ({ body: { data: { logout: true } } }));
    await httpSessionEndpoint({ url: "/graphql", transport: "body", fetch }).logout("r1", "a1");
    expect(calls[0]!.init.headers.authorization).toBe("Bearer a1");
    expect(JSON.parse(calls[0]!.init.body)).toEqual({
      operationName: "AuthKitLogout",
      query: expect.stringContaining("logout(refreshToken: $refreshToken)"),
      variables: { refreshToken: "r1" },
    });
  });
});
