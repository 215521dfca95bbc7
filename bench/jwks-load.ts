import { cannonGet, median } from "./measure";
import { cpuSeconds } from "./proc";
import type { RunningServer } from "./server-process";

const JWKS_PATH = "/.well-known/jwks.json";
const CONNECTIONS = 50;
export const JWKS_ROUNDS = 4;
export const JWKS_SECONDS = 1;

export type JwksTarget = "health" | "jwks" | "jwks304";

export interface JwksSamples {
  target: JwksTarget;
  label: string;
  rps: number[];
  perCpuSecond: number[];
}

interface Target extends JwksSamples {
  path: string;
  headers: Record<string, string>;
  status: 200 | 304;
}

/**
 * GET /.well-known/jwks.json (200 with the key set, and 304 for a verifier that sends back the
 * ETag) next to GET /health, the server's cheapest route, as the baseline of the same run, in
 * rotating order over rounds. The key set is checked first: ES256 keys, cacheable, an ETag.
 */
export async function jwksLoad(server: RunningServer): Promise<JwksSamples[]> {
  const etag = await checkedEtag(server.url);
  const targets: Target[] = [
    { target: "health", label: "GET /health", path: "/health", headers: {}, status: 200, rps: [], perCpuSecond: [] },
    { target: "jwks", label: "GET jwks.json → 200", path: JWKS_PATH, headers: {}, status: 200, rps: [], perCpuSecond: [] },
    { target: "jwks304", label: "GET jwks.json, If-None-Match → 304", path: JWKS_PATH, headers: { "if-none-match": etag }, status: 304, rps: [], perCpuSecond: [] },
  ];
  for (const t of targets) await cannonGet(`${server.url}${t.path}`, t.headers, t.status, CONNECTIONS, 0.5); // warm-up
  for (let round = 0; round < JWKS_ROUNDS; round++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + round) % targets.length];
      if (t) await measure(server, t);
    }
  }
  return targets.map(({ target, label, rps, perCpuSecond }) => ({ target, label, rps, perCpuSecond }));
}

async function measure(server: RunningServer, t: Target): Promise<void> {
  const cpuBefore = cpuSeconds(server.pid);
  const result = await cannonGet(`${server.url}${t.path}`, t.headers, t.status, CONNECTIONS, JWKS_SECONDS);
  if (result.unexpected > 0) throw new Error(`${result.unexpected} answers to ${t.label} were not ${t.status}`);
  t.rps.push(result.rps);
  t.perCpuSecond.push(result.total / (cpuSeconds(server.pid) - cpuBefore));
}

async function checkedEtag(url: string): Promise<string> {
  const res = await fetch(`${url}${JWKS_PATH}`);
  const body = (await res.json()) as { keys?: Array<{ alg?: string }> };
  const etag = res.headers.get("etag");
  const keys = body.keys ?? [];
  if (res.status !== 200 || !etag || !/max-age=\d+/.test(res.headers.get("cache-control") ?? "")) {
    throw new Error(`unexpected JWKS answer: ${res.status}, etag ${etag}, cache-control ${res.headers.get("cache-control")}`);
  }
  if (keys.length === 0 || keys.some((k) => k.alg !== "ES256")) throw new Error(`the JWKS should list ES256 keys: ${JSON.stringify(body)}`);
  const again = await fetch(`${url}${JWKS_PATH}`, { headers: { "if-none-match": etag } });
  if (again.status !== 304) throw new Error(`If-None-Match with the current ETag answered ${again.status}, not 304`);
  return etag;
}

/** Each round's ratio of a target's rate to /health's in the same round, then the median. */
export function ratioToHealth(samples: JwksSamples[], target: JwksTarget, pick: (s: JwksSamples) => number[]): number {
  const base = samples.find((s) => s.target === "health");
  const own = samples.find((s) => s.target === target);
  if (!base || !own) return NaN;
  const baseValues = pick(base);
  return median(pick(own).map((x, i) => x / (baseValues[i] ?? NaN)));
}
