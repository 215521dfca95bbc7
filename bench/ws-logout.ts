import { performance } from "node:perf_hooks";
import { login, range, signup } from "./accounts";
import { gql, percentile } from "./measure";
import { openSockets, type SocketClose } from "./ws-client";

const SESSIONS = 10;
const SOCKETS = 100;
const REVOKED = 4403;
/** A socket still open this long after logoutAll is a failure, not a slow sample. */
const GIVE_UP_MS = 15_000;

export interface LogoutSetup {
  name: string;
  /** Where logoutAll is sent (HTTP). */
  httpUrl: string;
  /** Where the user's sockets are open: the same instance, or another on the same database. */
  wsUrl: string;
  /** The bound on the time to the last socket closed. */
  boundMs: number;
}

/**
 * Time from sending `logoutAll` (HTTP) to each of one user's 100 sockets (10 sessions × 10, each
 * with a `sessionEvents` subscription) seeing its close, which must be 4403. Every round signs in
 * afresh. The close waits for the subscriber to be sent SESSION_REVOKED first, as in production.
 */
export async function logoutLatencyBench(setup: LogoutSetup, rounds: number) {
  const email = `logout-${setup.name.replace(/\W+/g, "-").toLowerCase()}@example.com`;
  await signup(setup.httpUrl, email);
  const samples: number[] = [];
  const lasts: number[] = [];
  let wrongCode = 0;
  for (let round = 0; round < rounds; round++) {
    const closes = await oneRound(setup, email);
    wrongCode += closes.filter((c) => c.close.code !== REVOKED).length;
    samples.push(...closes.map((c) => c.ms));
    lasts.push(Math.max(...closes.map((c) => c.ms)));
  }
  const worst = Math.max(...lasts);
  return {
    setup: setup.name,
    rounds,
    "sockets/round": SOCKETS,
    "p50 ms": ms(percentile(samples, 50)),
    "p99 ms": ms(percentile(samples, 99)),
    "last closed, median round ms": ms(percentile(lasts, 50)),
    "last closed, worst round ms": ms(worst),
    "closes not 4403": wrongCode,
    "bound ms": setup.boundMs,
    held: worst <= setup.boundMs && wrongCode === 0 ? "yes" : "NO",
  };
}

async function oneRound(setup: LogoutSetup, email: string): Promise<Array<{ close: SocketClose; ms: number }>> {
  const tokens = await Promise.all(range(SESSIONS).map(() => login(setup.httpUrl, email)));
  const sockets = await openSockets(setup.wsUrl, tokens, SOCKETS);
  const start = performance.now();
  const ended = await gql<{ logoutAll: number }>(setup.httpUrl, "mutation { logoutAll }", {}, tokens[0]);
  if (ended.logoutAll < SESSIONS) throw new Error(`logoutAll ended ${ended.logoutAll} sessions, expected at least ${SESSIONS}`);
  const closes = await withDeadline(Promise.all(sockets.map((s) => s.closed)), GIVE_UP_MS);
  return closes.map((close) => ({ close, ms: close.at - start }));
}

function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`sockets still open ${timeoutMs} ms after logoutAll`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const ms = (n: number) => Math.round(n * 10) / 10;
