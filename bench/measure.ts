import autocannon from "autocannon";
import { leanGql } from "./lean-client";

export const PAIR = "accessToken refreshToken";

export async function gql<T>(url: string, query: string, variables: object = {}, token?: string): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/**
 * A distribution-free ~95 % confidence interval for the median: the order statistics whose ranks
 * bound it by the binomial (normal approximation), x_(j) and x_(k), j = ⌊(n − 1.96√n)/2⌋,
 * k = ⌈1 + (n + 1.96√n)/2⌉ (1-based; clamped to the samples).
 */
export function medianInterval(samples: number[]): [number, number] {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const spread = 1.96 * Math.sqrt(n);
  const j = Math.max(1, Math.floor((n - spread) / 2));
  const k = Math.min(n, Math.ceil(1 + (n + spread) / 2));
  return [sorted[j - 1] ?? NaN, sorted[k - 1] ?? NaN];
}

/** Sequential latency of `op`, in ms, after `warmup` unmeasured calls. */
export async function latency(op: () => Promise<unknown>, count: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await op();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

/** autocannon against /graphql with a fixed body; returns average requests/s, the total and error counts. */
export async function cannon(url: string, body: string, token: string, connections: number, seconds: number) {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections,
    duration: seconds,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * autocannon GETs of one path with fixed headers. `unexpected` counts answers with another status
 * than `status` (a 304 is what an If-None-Match round must get, and autocannon calls it non-2xx).
 */
export async function cannonGet(url: string, headers: Record<string, string>, status: 200 | 304, connections: number, seconds: number) {
  const result = await autocannon({ url, method: "GET", connections, duration: seconds, headers });
  const expected = status === 200 ? result["2xx"] : result["3xx"];
  return { rps: result.requests.average, total: result.requests.total, unexpected: result.requests.total - expected + result.errors };
}

/**
 * Refresh throughput: `tokens.length` independent token chains, each rotating its own token as fast
 * as it can for `seconds` (a refresh token cannot be replayed, so autocannon's fixed body won't do).
 * Each chain's latest token is written back into `tokens`, so a later round can continue it. Over
 * the lean client, as light as autocannon's, so that refresh and `me` are compared on equal terms.
 */
export async function refreshThroughput(url: string, tokens: string[], seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    tokens.map(async (initial, i) => {
      let token = initial;
      while (Date.now() < deadline) {
        const data = await leanGql<{ refreshToken: { refreshToken: string } }>(
          url,
          `mutation($t: String) { refreshToken(refreshToken: $t) { ${PAIR} } }`,
          { t: token },
        );
        token = data.refreshToken.refreshToken;
        done++;
      }
      // The chain goes on from here in the caller's next round (the old token is spent).
      tokens[i] = token;
    }),
  );
  return done / seconds;
}
