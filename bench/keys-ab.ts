import { BENCH_PASSWORD, signup } from "./accounts";
import { ME_QUERY } from "./authorize-cost";
import { type AlgorithmServer, type BenchAlgorithm, headerAlgorithm } from "./keys-servers";
import { cannon, gql, PAIR, refreshThroughput } from "./measure";
import { cpuSeconds } from "./proc";

const CONNECTIONS = 50;
const CHAINS = 16;
export const ME_ROUNDS = 10;
export const ME_SECONDS = 1;
export const REFRESH_ROUNDS = 8;
export const REFRESH_SECONDS = 1;

export interface Samples {
  /** Requests/s of each round (wall clock). */
  rps: number[];
  /** Requests per second of the server process's own CPU time in each round (less moved by other load). */
  perCpuSecond: number[];
}

export interface AlgorithmSamples {
  algorithm: BenchAlgorithm;
  me: Samples;
  refresh: Samples;
}

interface Subject extends AlgorithmServer {
  token: string;
  /** Refresh token chains, continued from round to round. */
  chains: string[];
  samples: AlgorithmSamples;
}

/**
 * Authed `me` and refresh on the HS256 and the ES256 server in the same run, in alternating rounds
 * (A B B A A B …), so drift in machine load falls on both alike. Any failed request aborts.
 */
export async function algorithmAb(servers: AlgorithmServer[]): Promise<AlgorithmSamples[]> {
  const subjects = await Promise.all(servers.map(prepare));
  const body = JSON.stringify({ query: ME_QUERY });
  // Warm-up: JIT, Apollo's document cache, the session cache.
  for (const s of subjects) await cannon(s.server.url, body, s.token, CONNECTIONS, 1.5);
  for (const s of subjects) await refreshThroughput(s.server.url, s.chains, 1);
  for (let round = 0; round < ME_ROUNDS; round++) {
    for (const s of alternate(subjects, round)) await meRound(s, body);
  }
  for (let round = 0; round < REFRESH_ROUNDS; round++) {
    for (const s of alternate(subjects, round)) await refreshRound(s);
  }
  return subjects.map((s) => s.samples);
}

const alternate = <T>(items: T[], round: number): T[] => (round % 2 === 0 ? items : [...items].reverse());

/** An account with a working `me`, signed by the expected algorithm, and its refresh chains. */
async function prepare(entry: AlgorithmServer): Promise<Subject> {
  const { url } = entry.server;
  const email = `keys-${entry.algorithm.toLowerCase()}@example.com`;
  const token = await signup(url, email);
  const alg = headerAlgorithm(token);
  if (alg !== entry.algorithm) throw new Error(`the ${entry.algorithm} server signed with ${alg}`);
  await gql(url, ME_QUERY, {}, token);
  const chains = await Promise.all(Array.from({ length: CHAINS }, () => refreshTokenOf(url, email)));
  const empty = (): Samples => ({ rps: [], perCpuSecond: [] });
  return { ...entry, token, chains, samples: { algorithm: entry.algorithm, me: empty(), refresh: empty() } };
}

/** Each chain is a session of its own, so no two chains contend for one session's rotation. */
async function refreshTokenOf(url: string, email: string): Promise<string> {
  const data = await gql<{ login: { refreshToken: string } }>(url, `mutation($i: LoginInput!) { login(input: $i) { ${PAIR} } }`, {
    i: { email, password: BENCH_PASSWORD },
  });
  return data.login.refreshToken;
}

async function meRound(s: Subject, body: string): Promise<void> {
  const cpuBefore = cpuSeconds(s.server.pid);
  const result = await cannon(s.server.url, body, s.token, CONNECTIONS, ME_SECONDS);
  const failed = result.non2xx + result.errors;
  if (failed > 0) throw new Error(`${failed} \`me\` requests failed on the ${s.algorithm} server`);
  s.samples.me.rps.push(result.rps);
  s.samples.me.perCpuSecond.push(result.total / (cpuSeconds(s.server.pid) - cpuBefore));
}

async function refreshRound(s: Subject): Promise<void> {
  const cpuBefore = cpuSeconds(s.server.pid);
  const rps = await refreshThroughput(s.server.url, s.chains, REFRESH_SECONDS);
  s.samples.refresh.rps.push(rps);
  s.samples.refresh.perCpuSecond.push((rps * REFRESH_SECONDS) / (cpuSeconds(s.server.pid) - cpuBefore));
}
