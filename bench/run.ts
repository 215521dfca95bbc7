/**
 * `npm run bench`: first the goals of issue 11 (BENCH_ONLY=goals, about 5 minutes; bench/goals-sections.ts),
 * each a ratio or cost measured in this run next to its goal, printed again at the end; with
 * BENCH_STRICT=1 a missed goal makes the run exit 1. Then it prints authed `me` throughput at 50 connections for 10 s, login p50, refresh
 * p50 and refresh throughput, on the embedded PGlite and on PostgreSQL.
 * Then login timing: unknown email vs wrong password (must be within 15 %), also against a hash
 * made before the argon2 parameters were raised, and a bare argon2 verify.
 * BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) names a server on
 * which a throw-away database is created; set BENCH_POSTGRES_URL=skip to bench PGlite only.
 * Last, what the login reservations cost over the old check-then-spend, in memory and in Redis
 * (BENCH_REDIS_URL, default redis://127.0.0.1:6379; skip to measure memory only).
 * Then websockets: RSS per idle signed-in socket (1,000), logoutAll → close latency of a user's
 * 100 sockets (same instance; across two instances on PostgreSQL), and what the pre-execution
 * authorization check costs `me` throughput. BENCH_ONLY=ws runs only these (about 2 minutes).
 * Between the two, signing keys (BENCH_ONLY=keys, about 1½ minutes): jsonwebtoken sign/verify per
 * operation for HS256, ES256 and RS256; `me` and refresh on an ES256 and an HS256 server in
 * alternating rounds (ratio ES256/HS256; the budget is 10 % of `me`); the JWKS endpoint (200 and
 * 304) next to /health. BENCH_ONLY=http runs only the first part.
 * After the websockets, account flows (BENCH_ONLY=accounts, about a minute): requestPasswordReset p50 for a known vs
 * an unknown address (within 15 %), and with an SMTP server that holds each message 2 s (p50 under
 * 50 ms, and the mails still arrive), through an SMTP server in this process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_PASSWORD } from "./accounts";
import { accountsSections } from "./accounts-sections";
import { printGoals } from "./goals";
import { goalsSections } from "./goals-sections";
import { keysSections } from "./keys-sections";
import { cannon, gql, latency, PAIR, percentile, refreshThroughput } from "./measure";
import { withFreshPostgres } from "./postgres";
import { reservationBench } from "./reservation";
import { startServerProcess } from "./server-process";
import { LEGACY_ARGON2_ENV, seedLegacyAccount, timingBench } from "./timing";
import { websocketSections } from "./ws-sections";

async function benchEngine(name: string, databaseUrl: string, port: number) {
  const server = await startServerProcess(databaseUrl, port);
  try {
    const { url } = server;
    const signup = await gql<{ signup: { accessToken: string } }>(
      url,
      `mutation($i: SignupInput!) { signup(input: $i) { ${PAIR} } }`,
      { i: { email: "bench@example.com", password: BENCH_PASSWORD } },
    );
    const login = () =>
      gql<{ login: { accessToken: string; refreshToken: string } }>(
        url,
        `mutation($i: LoginInput!) { login(input: $i) { ${PAIR} } }`,
        { i: { email: "bench@example.com", password: BENCH_PASSWORD } },
      );
    const loginMs = await latency(login, 30);
    let token = (await login()).login.refreshToken;
    const refreshMs = await latency(async () => {
      const data = await gql<{ refreshToken: { refreshToken: string } }>(
        url,
        `mutation($t: String) { refreshToken(refreshToken: $t) { ${PAIR} } }`,
        { t: token },
      );
      token = data.refreshToken.refreshToken;
    }, 200);
    const chains = await Promise.all(Array.from({ length: 16 }, async () => (await login()).login.refreshToken));
    const refreshRps = await refreshThroughput(url, chains, 5);
    const meBody = JSON.stringify({ query: "{ me { id email role } }" });
    await cannon(url, meBody, signup.signup.accessToken, 50, 3); // warm-up: JIT, document cache
    const me = await cannon(url, meBody, signup.signup.accessToken, 50, 10);
    const baseline = await cannon(url, JSON.stringify({ query: "{ __typename }" }), signup.signup.accessToken, 50, 5);
    return {
      engine: name,
      "me req/s (50 conns, 10 s)": Math.round(me.rps),
      "me p50 ms": me.p50,
      "me non-2xx": me.non2xx + me.errors,
      "__typename req/s (no resolver, same token)": Math.round(baseline.rps),
      "login p50 ms": round(percentile(loginMs, 50)),
      "refresh p50 ms": round(percentile(refreshMs, 50)),
      "refresh req/s (16 chains)": Math.round(refreshRps),
    };
  } finally {
    await server.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

const SECTIONS: Record<string, (postgres: string | null) => Promise<void>> = {
  goals: goalsSections,
  http: httpSections,
  keys: keysSections,
  ws: websocketSections,
  accounts: accountsSections,
};

async function main() {
  const pg = process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const postgres = pg === "skip" ? null : pg;
  const only = process.env.BENCH_ONLY;
  if (only && !Object.hasOwn(SECTIONS, only)) throw new Error(`BENCH_ONLY: expected one of ${Object.keys(SECTIONS).join(", ")}, got "${only}"`);
  for (const [name, section] of Object.entries(SECTIONS)) if (!only || only === name) await section(postgres);
  const missed = printGoals();
  if (missed > 0 && process.env.BENCH_STRICT === "1") {
    console.error(`\nBENCH_STRICT: ${missed} goal(s) missed`);
    process.exitCode = 1;
  }
}

async function httpSections(postgres: string | null) {
  const results = [];
  const dir = mkdtempSync(join(tmpdir(), "auth-bench-"));
  try {
    results.push(await benchEngine("PGlite (on disk)", `pglite:${join(dir, "pglite")}`, 4701));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (postgres) results.push(await withFreshPostgres(postgres, (url) => benchEngine("PostgreSQL", url, 4702)));
  console.table(results);
  await printTiming();
  const redis = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  console.log("\nRate-limit bookkeeping of one successful login (2,000 sequential, in process):");
  console.table(await reservationBench(redis === "skip" ? null : redis));
}

/** Login timing must not reveal whether an account exists (target: within 15 %). */
async function printTiming() {
  const dir = mkdtempSync(join(tmpdir(), "auth-bench-timing-"));
  const databaseUrl = `pglite:${join(dir, "pglite")}`;
  // One account hashed before the parameters were raised: same database, weaker settings.
  const legacy = await startServerProcess(databaseUrl, 4703, LEGACY_ARGON2_ENV);
  try {
    await seedLegacyAccount(legacy.url);
  } finally {
    await legacy.stop();
  }
  const server = await startServerProcess(databaseUrl, 4703);
  try {
    console.log(`\nLogin timing (PGlite, sequential, alternating; pre-raise hash: m=${LEGACY_ARGON2_ENV.ARGON2_MEMORY_COST}, t=${LEGACY_ARGON2_ENV.ARGON2_TIME_COST}):`);
    console.table([await timingBench(server.url)]);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
