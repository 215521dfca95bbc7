import autocannon from "autocannon";

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

/** autocannon against /graphql with a fixed body; returns average requests/s and error count. */
export async function cannon(url: string, body: string, token: string, connections: number, seconds: number) {
  const result = await autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections,
    duration: seconds,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
  return { rps: result.requests.average, p50: result.latency.p50, non2xx: result.non2xx, errors: result.errors };
}

/**
 * Refresh throughput: `workers` independent token chains, each rotating its own token as fast
 * as it can for `seconds` (a refresh token cannot be replayed, so autocannon's fixed body won't do).
 */
export async function refreshThroughput(url: string, tokens: string[], seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    tokens.map(async (initial) => {
      let token = initial;
      while (Date.now() < deadline) {
        const data = await gql<{ refreshToken: { refreshToken: string } }>(
          url,
          `mutation($t: String) { refreshToken(refreshToken: $t) { ${PAIR} } }`,
          { t: token },
        );
        token = data.refreshToken.refreshToken;
        done++;
      }
    }),
  );
  return done / seconds;
}
