import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signup } from "./accounts";
import { ME_QUERY } from "./authorize-cost";
import { cannon } from "./measure";
import { cpuSeconds } from "./proc";
import { type RunningServer, startServerProcess } from "./server-process";

const VARIANT_SERVER = "bench/authz-server.ts";
const CONNECTIONS = 50;
const WARMUP_SECONDS = 3;
/** Many short rounds per variant, run A B B A A B …, so drift in machine load falls on both alike. */
export const HTTP_ROUNDS = 20;
export const ROUND_SECONDS = 1;
const ADMIN_ONLY = "{ users(first: 1) { id } }";

export interface HttpSamples {
  /** `me` req/s of each round (wall clock). */
  rps: number[];
  /**
   * Requests answered per second of the server process's own CPU time (user + system) in each
   * round: its capacity on a core of its own. Other load on the machine still moves it (shared
   * caches, scheduling), but less than wall-clock req/s.
   */
  perCpuSecond: number[];
  failed: number;
}

interface Variant extends HttpSamples {
  name: "with" | "without";
  server: RunningServer;
  token: string;
}

/**
 * `me` over HTTP with and without the pre-execution authorization check: two child processes
 * built alike by bench/authz-server.ts, one with `authorizationPlugin` and one without, each on its
 * own PGlite, measured in alternating rounds in the same run (the ratio matters, not the numbers).
 */
export async function httpAuthorizationAb(): Promise<{ with: HttpSamples; without: HttpSamples }> {
  const dir = mkdtempSync(join(tmpdir(), "auth-bench-authz-"));
  const variants: Variant[] = [];
  try {
    // Started together; both settle before going on, so a failed start still stops the other.
    const started = await Promise.allSettled(
      (["with", "without"] as const).map(async (name, i): Promise<Variant> => {
        const server = await startServerProcess(`pglite:${join(dir, name)}`, 4731 + i, {}, [VARIANT_SERVER, name]);
        return { name, server, token: "", rps: [], perCpuSecond: [], failed: 0 };
      }),
    );
    for (const s of started) if (s.status === "fulfilled") variants.push(s.value);
    for (const s of started) if (s.status === "rejected") throw s.reason;
    for (const v of variants) v.token = await signup(v.server.url, `authz-${v.name}@example.com`);
    for (const v of variants) await assertEnforcement(v);
    for (const v of variants) await cannon(v.server.url, JSON.stringify({ query: ME_QUERY }), v.token, CONNECTIONS, WARMUP_SECONDS);
    for (let round = 0; round < HTTP_ROUNDS; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) await measureRound(v);
    }
  } finally {
    await Promise.all(variants.map((v) => v.server.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
  const on = variants.find((v) => v.name === "with");
  const off = variants.find((v) => v.name === "without");
  if (!on || !off) throw new Error("both variants must have run");
  return { with: on, without: off };
}

async function measureRound(v: Variant): Promise<void> {
  const cpuBefore = cpuSeconds(v.server.pid);
  const result = await cannon(v.server.url, JSON.stringify({ query: ME_QUERY }), v.token, CONNECTIONS, ROUND_SECONDS);
  v.perCpuSecond.push(result.total / (cpuSeconds(v.server.pid) - cpuBefore));
  v.rps.push(result.rps);
  v.failed += result.non2xx + result.errors;
}

/** The variants must differ in enforcement: a USER asking for an ADMIN field is refused only "with". */
async function assertEnforcement(v: Variant): Promise<void> {
  const res = await fetch(`${v.server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${v.token}` },
    body: JSON.stringify({ query: ADMIN_ONLY }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
  const code = body.errors?.[0]?.extensions?.code ?? null;
  const expected = v.name === "with" ? "FORBIDDEN" : null;
  if (code !== expected) throw new Error(`variant "${v.name}": expected ${expected ?? "no error"} for an ADMIN field, got ${code}`);
}
