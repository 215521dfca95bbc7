import { networkInterfaces } from "node:os";
import { createLogger } from "../../src/logger";
import { ACTIVE_SESSIONS_TTL_MS, MAX_OPERATION_NAMES } from "../../src/metrics";
import { logSink } from "../support/capture";
import { parsePrometheusText, type Sample, samplesOf, valueOf } from "../support/prometheus-text";
import { signup, startServer, type TestServer, withServer } from "../support/server";
import { wsClient } from "../support/ws-client";

/*
 * GET /metrics over real HTTP. Nothing here is timed: latency histograms are checked by their
 * counts only, and the benchmarks (bench/) do not scrape.
 */

const PASSWORD = "correct horse battery";
const TOKEN = "metrics-token-0123456789abcdef0123456789";

interface Scrape {
  status: number;
  headers: Headers;
  text: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function scrape(server: TestServer): Promise<Sample[]> {
  const answer = await get(`${server.url}/metrics`);
  if (answer.status !== 200) throw new Error(`GET /metrics answered ${answer.status}: ${answer.text}`);
  return parsePrometheusText(answer.text);
}

const LOGIN = "mutation Login($i: LoginInput!) { login(input: $i) { accessToken } }";
const REFRESH = "mutation Refresh($t: String) { refreshToken(refreshToken: $t) { refreshToken } }";

/** The first address of this machine that is not loopback: a peer /metrics must refuse. */
function nonLoopbackAddress(): string | null {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const usable = addresses.filter((a) => !a.internal && (a.family === "IPv4" || !a.address.toLowerCase().startsWith("fe80")));
  return usable.find((a) => a.family === "IPv4")?.address ?? usable[0]?.address ?? null;
}

describe("GET /metrics on loopback, without METRICS_TOKEN", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Four refresh attempts per minute; a rotated token presented again (after any time at all) is reuse.
    server = await startServer({ env: { RATE_LIMIT_REFRESH_IP: "4", REFRESH_REUSE_GRACE: "0" } });
  });
  afterAll(async () => server.close());

  it("counts logins, failed logins, a refresh, a reuse, refused tokens, a rate-limit refusal and an open websocket", async () => {
    const first = await signup(server, "metrics@example.com", PASSWORD);
    const ok = await server.gql<{ login: { accessToken: string } }>(LOGIN, { i: { email: "metrics@example.com", password: PASSWORD } });
    await server.gql(LOGIN, { i: { email: "metrics@example.com", password: PASSWORD } });
    await server.gql(LOGIN, { i: { email: "metrics@example.com", password: "wrong password entirely" } });
    await server.gql(LOGIN, { i: { email: "nobody@example.com", password: PASSWORD } });
    const refreshed = await server.gql(REFRESH, { t: first.refreshToken });
    expect(refreshed.body.errors).toBeUndefined();
    // Past the cached count of live sessions too, so the scrape below reads it afresh.
    server.clock.advance(ACTIVE_SESSIONS_TTL_MS + 1_000);
    const codes = [];
    for (const token of [first.refreshToken, "not-a-refresh-token", "not-a-refresh-token", "not-a-refresh-token"]) {
      codes.push((await server.gql(REFRESH, { t: token })).body.errors?.[0]?.extensions?.code);
    }
    expect(codes).toEqual(["REFRESH_TOKEN_REUSED", "INVALID_REFRESH_TOKEN", "INVALID_REFRESH_TOKEN", "TOO_MANY_REQUESTS"]);
    const socket = wsClient(server.url, { authorization: `Bearer ${ok.body.data?.login.accessToken}` });
    try {
      await socket.connected;
      const samples = await scrape(server);
      const logins = (result: string) => valueOf(samples, "auth_logins_total", { result });
      expect([logins("success"), logins("wrong_password"), logins("unknown_email"), logins("account_disabled")]).toEqual([2, 1, 1, 0]);
      const refreshes = (result: string) => valueOf(samples, "auth_refreshes_total", { result });
      expect([refreshes("rotated"), refreshes("rotated_in_grace"), refreshes("reuse_detected")]).toEqual([1, 0, 1]);
      expect(valueOf(samples, "auth_rate_limited_total", { bucket: "refresh_ip" })).toBe(1);
      expect(valueOf(samples, "auth_rate_limited_total", { bucket: "login_ip" })).toBe(0);

      const requests = (operation: string, code: string) => valueOf(samples, "graphql_requests_total", { operation, code });
      expect([requests("Login", "OK"), requests("Login", "INVALID_CREDENTIALS"), requests("anonymous", "OK")]).toEqual([2, 2, 1]);
      expect(["OK", "REFRESH_TOKEN_REUSED", "INVALID_REFRESH_TOKEN", "TOO_MANY_REQUESTS"].map((code) => requests("Refresh", code))).toEqual([1, 1, 2, 1]);
      const field = (name: string, code: string) => valueOf(samples, "graphql_root_field_results_total", { field: name, code });
      expect(["OK", "REFRESH_TOKEN_REUSED", "INVALID_REFRESH_TOKEN", "TOO_MANY_REQUESTS"].map((code) => field("Mutation.refreshToken", code))).toEqual([1, 1, 2, 1]);
      expect([field("Mutation.login", "OK"), field("Mutation.login", "INVALID_CREDENTIALS"), field("Mutation.signup", "OK")]).toEqual([2, 2, 1]);
      expect(valueOf(samples, "graphql_request_duration_seconds_count", { operation: "Login", outcome: "ok" })).toBe(2);
      expect(valueOf(samples, "graphql_request_duration_seconds_count", { operation: "Login", outcome: "error" })).toBe(2);
      const posts = samplesOf(samples, "http_requests_total").filter((s) => s.labels.method === "POST" && s.labels.route === "/graphql");
      expect(posts.reduce((sum, s) => sum + s.value, 0)).toBe(10);

      expect(valueOf(samples, "websocket_connections_open")).toBe(1);
      // The two logins' sessions; the signup's ended with the reuse.
      expect(valueOf(samples, "auth_sessions_active")).toBe(2);
    } finally {
      await socket.dispose();
    }
  });

  it("serves the process's and this server's series as Prometheus text, never cached; no pool series on PGlite", async () => {
    const answer = await get(`${server.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const samples = parsePrometheusText(answer.text);
    const names = new Set(samples.map((s) => s.name));
    for (const name of ["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes"]) {
      expect(names).toContain(name);
    }
    for (const name of ["auth_sessions_active", "websocket_connections_open", "http_requests_total", "graphql_requests_total"]) expect(names).toContain(name);
    expect([...names].filter((name) => name.startsWith("db_pool_"))).toEqual([]);
    // The scrapes themselves are requests like any other.
    expect(valueOf(samples, "http_requests_total", { method: "GET", route: "/metrics", status_code: "200" })).toBeGreaterThanOrEqual(1);
  });

  it(`bounds client-chosen operation names: 500 distinct ones make at most ${MAX_OPERATION_NAMES} series, the rest count as other`, async () => {
    const before = await scrape(server);
    const total = (samples: Sample[]) => samplesOf(samples, "graphql_requests_total").reduce((sum, s) => sum + s.value, 0);
    for (let batch = 0; batch < 50; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => server.gql(`query Op${batch * 10 + i} { __typename }`)));
    }
    // A name no document can hold, sent as operationName: it must not reach the exposition.
    const evil = await server.gql("{ __typename }", undefined, {});
    expect(evil.status).toBe(200);
    const odd = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }", operationName: 'x"} 1\nevil_total{a="b' }),
    });
    expect(odd.status).toBe(400);
    const answer = await get(`${server.url}/metrics`);
    const after = parsePrometheusText(answer.text);
    expect(answer.text).not.toContain("evil");
    const operations = new Set(samplesOf(after, "graphql_requests_total").map((s) => s.labels.operation));
    // Login and Refresh (the earlier test) took two of the slots; anonymous and other take none.
    expect(operations.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 2);
    expect([...operations].filter((name) => name?.startsWith("Op"))).toHaveLength(MAX_OPERATION_NAMES - 2);
    expect(valueOf(after, "graphql_requests_total", { operation: "other", code: "OK" })).toBe(500 - (MAX_OPERATION_NAMES - 2));
    expect(valueOf(after, "graphql_requests_total", { operation: "other", code: "BAD_REQUEST" })).toBe(1);
    expect(total(after) - total(before)).toBe(502);
    expect(samplesOf(after, "graphql_request_duration_seconds_bucket").length).toBeLessThanOrEqual((MAX_OPERATION_NAMES + 2) * 2 * 12);
  });

  it("refuses a request a proxy on this host relayed with the 404 of a path that does not exist", async () => {
    const refused = await get(`${server.url}/metrics`, { "x-forwarded-for": "203.0.113.9" });
    const missing = await get(`${server.url}/no-such-path`);
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.text)).toEqual({ ...JSON.parse(missing.text), message: "Route GET:/metrics not found" });
    expect(refused.text).not.toContain("process_");
    // Unknown paths share one label (a scanner cannot grow it with its URLs), and the refused scrape is one of them.
    const samples = await scrape(server);
    expect(valueOf(samples, "http_requests_total", { method: "GET", route: "unmatched", status_code: "404" })).toBe(2);
    expect(samplesOf(samples, "http_requests_total").some((s) => s.labels.route?.includes("no-such-path"))).toBe(false);
  });
});

const peer = nonLoopbackAddress();
const describeFromPeer = peer ? describe : describe.skip;

describeFromPeer(`GET /metrics from a non-loopback peer (${peer ?? "none: this machine has no non-loopback address, so this cannot be tested here"})`, () => {
  it("is refused, even with X-Forwarded-For: 127.0.0.1 under TRUST_PROXY=true, which the rest of the server believes", async () => {
    const lines: string[] = [];
    await withServer({ env: { HOST: peer ?? "", TRUST_PROXY: "true" }, logger: createLogger("info", logSink(lines)) }, async (server) => {
      expect(new URL(server.url).hostname.replace(/^\[|\]$/g, "")).toBe(peer);
      expect((await get(`${server.url}/metrics`)).status).toBe(404);
      const spoofed = { "x-forwarded-for": "127.0.0.1" };
      expect((await get(`${server.url}/metrics`, spoofed)).status).toBe(404);
      expect((await get(`${server.url}/metrics`, { "x-real-ip": "127.0.0.1", forwarded: "for=127.0.0.1" })).status).toBe(404);
      // Judged by the socket's address: refused as not loopback, not merely as relayed.
      const refusals = lines.map((line) => JSON.parse(line) as { msg: string; reason?: string }).filter((l) => l.msg === "metrics scrape refused");
      expect(refusals.map((l) => l.reason)).toEqual(["not_loopback", "not_loopback", "not_loopback"]);
      // The same header makes the request's client address loopback everywhere else: the test is not vacuous.
      const pair = await server.gql<{ signup: { accessToken: string } }>(
        `mutation { signup(input: { email: "peer@example.com", password: "${PASSWORD}" }) { accessToken } }`,
        {},
        { headers: spoofed },
      );
      const sessions = await server.gql<{ sessions: Array<{ ip: string }> }>("{ sessions { ip } }", {}, { token: pair.body.data?.signup.accessToken ?? "" });
      expect(sessions.body.data?.sessions.map((s) => s.ip)).toEqual(["127.0.0.1"]);
    });
  });
});

describe("GET /metrics with METRICS_TOKEN", () => {
  it("requires the token, from loopback too; a wrong one is refused like no route", async () => {
    await withServer({ env: { METRICS_TOKEN: TOKEN } }, async (server) => {
      const url = `${server.url}/metrics`;
      expect((await get(url)).status).toBe(404);
      expect((await get(url, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` })).status).toBe(404);
      expect((await get(url, { authorization: `Basic ${TOKEN}` })).status).toBe(404);
      const served = await get(url, { authorization: `Bearer ${TOKEN}` });
      expect(served.status).toBe(200);
      expect(valueOf(parsePrometheusText(served.text), "auth_logins_total", { result: "success" })).toBe(0);
      expect((await get(url, { authorization: `bearer ${TOKEN}`, "x-forwarded-for": "203.0.113.9" })).status).toBe(200);
    });
  });
});
