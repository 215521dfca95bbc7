/**
 * `BENCH_ONLY=goals`: the rows of issue 11's table, on PGlite (on disk) and PostgreSQL, each a
 * ratio or cost measured in this run (see goals.ts). The server runs compiled, as `npm start`
 * runs it, in production mode, in its own process; the load comes from this one.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import argon2 from "argon2";
import { OWASP_ARGON2_PARAMS } from "../src/auth";
import { BENCH_PASSWORD } from "./accounts";
import { recordGoal } from "./goals";
import { leanGql } from "./lean-client";
import { cannon, gql, median, PAIR, percentile, refreshThroughput } from "./measure";
import { withFreshPostgres } from "./postgres";
import { cpuSeconds, rssKiB } from "./proc";
import { scaleGoals } from "./scale";
import { type RunningServer, startBareApollo, startBuiltServer } from "./server-process";
import { bareApolloStartMs, pgliteOpenMs } from "./start-floors";

type Engine = "PGlite" | "PostgreSQL";

const ROOT = join(__dirname, "..");
const ME = JSON.stringify({ query: "{ me { id email role } }" });
const EMAIL = "goals@example.com";

export async function goalsSections(postgres: string | null): Promise<void> {
  // The compiled server, as `npm start` runs it; building is not part of any measurement.
  execFileSync(process.execPath, [join(ROOT, "src/build/build-if-stale.mjs"), "--quiet"], { cwd: ROOT, stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "auth-bench-goals-"));
  try {
    await engineGoals("PGlite", `pglite:${join(dir, "pglite")}`, 4711);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (postgres) {
    await withFreshPostgres(postgres, (url) => engineGoals("PostgreSQL", url, 4712));
    await scaleGoals(postgres, 4714);
  }
}

/** The start-to-ready goals: existing PGlite directory / fresh one / PostgreSQL (migrated). */
const START_GOAL_S: Record<Engine, { fresh: number | null; existing: number }> = {
  PGlite: { fresh: 2.0, existing: 1.0 },
  PostgreSQL: { fresh: null, existing: 0.5 },
};
const RSS_GOAL_MB: Record<Engine, number> = { PGlite: 250, PostgreSQL: 110 };
const REFRESH_SHARE_GOAL: Record<Engine, number> = { PGlite: 0.12, PostgreSQL: 0.25 };

async function engineGoals(engine: Engine, databaseUrl: string, port: number): Promise<void> {
  const secret = randomBytes(48).toString("base64url");
  const env = { JWT_SECRET: secret };
  // Fresh: an empty directory or database (migrations run); then three restarts on it.
  const fresh = await startBuiltServer(databaseUrl, port, env);
  await fresh.server.stop();
  const restarts: number[] = [];
  const floors = { pglite: [] as number[], bareApollo: [] as number[] };
  let server: RunningServer | null = null;
  for (let i = 0; i < 3; i++) {
    // The floors alternate with the restarts, so that the machine's drift hits both alike.
    if (engine === "PGlite") floors.pglite.push(await pgliteOpenMs(databaseUrl.slice("pglite:".length)));
    floors.bareApollo.push(await bareApolloStartMs(4713, secret));
    const started = await startBuiltServer(databaseUrl, port, env);
    restarts.push(started.readyMs);
    if (i < 2) await started.server.stop();
    else server = started.server;
  }
  if (!server) throw new Error("unreachable");
  const startGoal = START_GOAL_S[engine];
  recordGoal({
    what: "start to ready, fresh",
    engine,
    measured: `${(fresh.readyMs / 1000).toFixed(2)} s`,
    value: fresh.readyMs / 1000,
    goal: startGoal.fresh === null ? null : { cmp: "≤", target: startGoal.fresh },
  });
  recordGoal({
    what: engine === "PGlite" ? "start to ready, existing directory" : "start to ready (migrated database)",
    engine,
    measured: `median of 3: ${(median(restarts) / 1000).toFixed(2)} s`,
    value: median(restarts) / 1000,
    goal: { cmp: "≤", target: startGoal.existing },
  });
  startFloorRows(engine, floors);
  try {
    await new Promise((r) => setTimeout(r, 500));
    const rssStartMb = rssKiB(server.pid) / 1024;
    recordGoal({ what: "RSS after start", engine, measured: `${rssStartMb.toFixed(0)} MB`, value: rssStartMb, goal: { cmp: "≤", target: RSS_GOAL_MB[engine] } });
    const peak = rssSampler(server.pid);
    try {
      await loadGoals(engine, server, secret);
    } finally {
      const peakMb = peak.stop() / 1024;
      recordGoal({ what: "RSS peak under load", engine, measured: `${peakMb.toFixed(0)} MB`, value: peakMb, goal: { cmp: "≤", target: RSS_GOAL_MB[engine] } });
    }
  } finally {
    await server.stop();
  }
}

/** What the start goals leave the server over node and the parts it starts, in the same run. */
function startFloorRows(engine: Engine, floors: { pglite: number[]; bareApollo: number[] }): void {
  const rows: [string, number[]][] = [
    ["start floor: node + the server's PGlite opener alone, same directory (s)", floors.pglite],
    ["start floor: bare Apollo-on-Fastify, no database (s)", floors.bareApollo],
  ];
  for (const [what, samples] of rows) {
    if (samples.length === 0) continue; // PostgreSQL has no opener floor
    const seconds = median(samples) / 1000;
    recordGoal({ what, engine, measured: `median of 3, alternating with the restarts: ${seconds.toFixed(2)} s`, value: seconds, goal: null });
  }
}

async function loadGoals(engine: Engine, server: RunningServer, secret: string): Promise<void> {
  const { url } = server;
  const signup = await gql<{ signup: { accessToken: string } }>(url, SIGNUP, { i: { email: EMAIL, password: BENCH_PASSWORD } });
  const access = signup.signup.accessToken;
  // A logout runs through Prisma, which compiles its query engine on its first statement (about
  // 30 MB): a served instance has it loaded, so the peak below must include it.
  const spare = await login(url);
  await leanGql(url, "mutation($t: String) { logout(refreshToken: $t) }", { t: spare.login.refreshToken });
  await credentialGoals(engine, url);

  await cannon(url, ME, access, 50, 3); // warm-up: JIT, document cache
  const me = await cannon(url, ME, access, 50, 10);
  const chains = await Promise.all(Array.from({ length: 16 }, async () => (await login(url)).login.refreshToken));
  await refreshThroughput(url, chains, 2); // warm-up
  const cpuBefore = cpuSeconds(server.pid);
  const seconds = 5;
  const refreshRps = await refreshThroughput(url, chains, seconds);
  const cpuMsPerRefresh = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / (refreshRps * seconds);
  recordGoal({
    what: "refresh throughput (16 chains) / `me` req/s",
    engine,
    measured: `${Math.round(refreshRps)} / ${Math.round(me.rps)} req/s`,
    value: refreshRps / me.rps,
    goal: { cmp: "≥", target: REFRESH_SHARE_GOAL[engine] },
  });
  recordGoal({
    what: "server CPU per refresh (ms)",
    engine,
    measured: engine === "PGlite" ? "includes the embedded database" : "server process, user + system",
    value: cpuMsPerRefresh,
    goal: engine === "PostgreSQL" ? { cmp: "≤", target: 0.8 } : null,
  });

  await meVersusBareApollo(engine, url, server.pid, access, secret);

  // `me` tail latency while 16 refresh chains run, against idle, in alternating rounds.
  const idle: number[] = [];
  const loaded: number[] = [];
  for (let round = 0; round < 2; round++) {
    idle.push((await cannon(url, ME, access, 8, 5)).p99);
    const [busy] = await Promise.all([cannon(url, ME, access, 8, 5), refreshThroughput(url, chains, 5)]);
    loaded.push(busy.p99);
  }
  recordGoal({
    what: "`me` p99 under 16 refresh chains / idle p99",
    engine,
    measured: `${median(loaded).toFixed(1)} / ${median(idle).toFixed(1)} ms`,
    value: median(loaded) / median(idle),
    goal: engine === "PGlite" ? { cmp: "≤", target: 3 } : null,
  });
}

const SIGNUP = `mutation($i: SignupInput!) { signup(input: $i) { ${PAIR} } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { ${PAIR} } }`;

const login = (url: string) =>
  leanGql<{ login: { accessToken: string; refreshToken: string } }>(url, LOGIN, { i: { email: EMAIL, password: BENCH_PASSWORD } });

/** Login and signup next to a bare argon2id verify and hash (same parameters), interleaved. */
async function credentialGoals(engine: Engine, url: string): Promise<void> {
  const hashOnce = () => argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id, ...OWASP_ARGON2_PARAMS });
  const hash = await hashOnce();
  const timed = async (op: () => Promise<unknown>): Promise<number> => {
    const start = process.hrtime.bigint();
    await op();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const samples = { login: [] as number[], verify: [] as number[], signup: [] as number[], hash: [] as number[], floor: [] as number[] };
  for (let i = -3; i < 30; i++) {
    const f = await timed(() => leanGql(url, "{ __typename }"));
    const l = await timed(() => login(url));
    const v = await timed(() => argon2.verify(hash, BENCH_PASSWORD));
    const s = await timed(() => leanGql(url, SIGNUP, { i: { email: `goal-${i + 3}@example.com`, password: BENCH_PASSWORD } }));
    const h = await timed(hashOnce);
    if (i < 0) continue; // warm-up
    samples.login.push(l);
    samples.verify.push(v);
    samples.signup.push(s);
    samples.hash.push(h);
    samples.floor.push(f);
  }
  const p50 = (xs: number[]) => percentile(xs, 50);
  recordGoal({
    what: "login p50 − bare argon2id verify p50 (ms)",
    engine,
    measured: `${p50(samples.login).toFixed(1)} − ${p50(samples.verify).toFixed(1)} ms`,
    value: p50(samples.login) - p50(samples.verify),
    goal: { cmp: "≤", target: 3 },
  });
  // What a request costs with no work in it, from the same client in the same loop: the part of
  // the two rows above that is HTTP, Apollo and waking processes, not login or signup.
  recordGoal({
    what: "`{ __typename }` p50, same client, same loop (ms)",
    engine,
    measured: "the request floor inside the two rows around it",
    value: p50(samples.floor),
    goal: null,
  });
  recordGoal({
    what: "signup p50 − bare argon2id hash p50 (ms)",
    engine,
    measured: `${p50(samples.signup).toFixed(1)} − ${p50(samples.hash).toFixed(1)} ms`,
    value: p50(samples.signup) - p50(samples.hash),
    goal: { cmp: "≤", target: 4 },
  });
}

/**
 * Authenticated `me` against Apollo on Fastify with only a JWT context (bench/bare-apollo-server.ts),
 * same token, alternating rounds so drift hits both; the median of the per-round ratios.
 */
async function meVersusBareApollo(engine: Engine, url: string, ourPid: number, access: string, secret: string): Promise<void> {
  const { server: bare } = await startBareApollo(4713, { JWT_SECRET: secret, BARE_ME_EMAIL: EMAIL });
  try {
    await new Promise((r) => setTimeout(r, 500));
    const bareStartMb = rssKiB(bare.pid) / 1024;
    await cannon(bare.url, ME, access, 50, 3); // warm-up
    const ratios: number[] = [];
    const ours: number[] = [];
    const floor: number[] = [];
    // Each server's largest RSS while it alone serves `me`: the same load, side by side. Ours has
    // served the logins, signups and refreshes before it; the bare server only its warm-up.
    const before = { ours: rssKiB(ourPid), bare: rssKiB(bare.pid) };
    const peaks = { ours: 0, bare: 0 };
    const loaded = async (target: string) => {
      const who = target === bare.url ? "bare" : "ours";
      const sampler = rssSampler(who === "bare" ? bare.pid : ourPid);
      try {
        return await cannon(target, ME, access, 50, 5);
      } finally {
        peaks[who] = Math.max(peaks[who], sampler.stop());
      }
    };
    for (let round = 0; round < 3; round++) {
      const pair = round % 2 === 0 ? [url, bare.url] : [bare.url, url];
      const [first, second] = [await loaded(pair[0] ?? url), await loaded(pair[1] ?? url)];
      const [o, b] = round % 2 === 0 ? [first, second] : [second, first];
      if (o.non2xx + o.errors + b.non2xx + b.errors > 0) throw new Error("`me` A/B: a request failed");
      ours.push(o.rps);
      floor.push(b.rps);
      ratios.push(o.rps / b.rps);
    }
    recordGoal({
      what: "`me` req/s / bare Apollo-on-Fastify with a JWT context",
      engine,
      measured: `${Math.round(median(ours))} / ${Math.round(median(floor))} req/s, 3 alternating rounds`,
      value: median(ratios),
      goal: { cmp: "≥", target: 0.95, stretch: 1.2 },
    });
    // What the RSS goals leave any Node GraphQL server: Apollo on Fastify with a JWT context, no
    // database, no auth server, under the same load. The value: how much more ours grew.
    const mb = (kib: number) => (kib / 1024).toFixed(0);
    recordGoal({
      what: "RSS under `me` (50 connections, 3 × 5 s), before → peak: ours, bare Apollo-on-Fastify; growth ratio",
      engine,
      measured: `${mb(before.ours)} → ${mb(peaks.ours)} MB; ${mb(before.bare)} → ${mb(peaks.bare)} MB (bare after start: ${bareStartMb.toFixed(0)})`,
      value: (peaks.ours - before.ours) / Math.max(1, peaks.bare - before.bare),
      goal: null,
    });
  } finally {
    await bare.stop();
  }
}

/** Largest RSS seen, sampled every 200 ms until stop() (KiB). */
function rssSampler(pid: number): { stop(): number } {
  let peak = rssKiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssKiB(pid));
    } catch {
      // the process is gone; the caller reports what was seen
    }
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
