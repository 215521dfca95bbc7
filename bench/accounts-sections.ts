import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signup, sleep } from "./accounts";
import { median, medianInterval, percentile } from "./measure";
import { withFreshPostgres } from "./postgres";
import { followUpAfterReset } from "./reset-follow-up";
import { knownVsUnknown, type KnownUnknownSamples, resetsDuringSlowSmtp, type SlowSmtpSamples } from "./reset-timing";
import { startServerProcess } from "./server-process";
import { type SmtpSink, startSmtpSink } from "./smtp-sink";

/** The goals: known and unknown within 15 % at p50; with a slow SMTP server, p50 < 50 ms. */
const WITHIN = 0.15;
const SLOW_GOAL_MS = 50;

const PAIRS = 100;
const FOLLOW_UP_PAIRS = 60;
const WARMUP = 5;
const SMTP_DELAY_MS = 2000;
const SLOW_REQUESTS = 24;
const SLOW_SPACING_MS = 100;
/** After the slow requests: time for a few 2 s sends to complete, counted before the delay is lifted. */
const SLOW_WAIT_MS = 4500;

const KNOWN = "reset-known@bench.example";
const SLOW = "reset-slow@bench.example";

/** One client drives everything; the mail budgets (5 per address and 30 per network an hour) would refuse it. */
const ACCOUNTS_ENV = {
  RATE_LIMIT_MAIL_ADDRESS: "1000000",
  RATE_LIMIT_MAIL_IP: "1000000",
  RATE_LIMIT_TOKEN_IP: "1000000",
  // Required with SMTP_URL in production.
  MAIL_FROM: "Bench <no-reply@bench.example>",
  APP_URL: "https://app.bench.example",
};

interface EngineResult {
  engine: string;
  timing: KnownUnknownSamples;
  /** `{ __typename }` sent the moment a reset answered: the work left running after the answer. */
  followUp: KnownUnknownSamples;
  slow: SlowSmtpSamples;
  /** Reset mails for SLOW accepted SLOW_WAIT_MS after the last slow request, and the time since the first. */
  deliveredWhileSlow: { count: number; afterMs: number };
  /** Time from lifting the delay until every slow-phase mail had arrived. */
  drainMs: number;
}

/**
 * Account flows (issue 9): requestPasswordReset answers before it looks the address up, so a
 * known and an unknown address must cost the same, and the answer must never wait for SMTP. A
 * server process per engine sends through an SMTP server in this process. About a minute.
 */
export async function accountsSections(postgresUrl: string | null): Promise<void> {
  const results: EngineResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), "auth-bench-accounts-"));
  try {
    results.push(await benchEngine("PGlite (on disk)", `pglite:${join(dir, "pglite")}`, 4721));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (postgresUrl) results.push(await withFreshPostgres(postgresUrl, (url) => benchEngine("PostgreSQL", url, 4722)));
  console.log(`\nrequestPasswordReset, known vs unknown address (${PAIRS} of each, sequential, ABBA order; the issue's goal: p50 within ${WITHIN * 100} %):`);
  console.table(results.map(({ engine, timing }) => timingRow(engine, timing)));
  console.log(
    `\n{ __typename } sent as soon as requestPasswordReset answered, after a known vs an unknown address ` +
      `(${FOLLOW_UP_PAIRS} of each, ABBA order, from a quiet server; goal: p50 within ${WITHIN * 100} %):`,
  );
  console.table(results.map(({ engine, followUp }) => timingRow(engine, followUp)));
  console.log(
    `\nrequestPasswordReset while the SMTP server holds each message ${SMTP_DELAY_MS / 1000} s ` +
      `(${SLOW_REQUESTS} requests for one known address, one per ${SLOW_SPACING_MS} ms; the issue's goal: p50 < ${SLOW_GOAL_MS} ms):`,
  );
  console.table(results.map(slowRow));
}

async function benchEngine(engine: string, databaseUrl: string, port: number): Promise<EngineResult> {
  const sink = await startSmtpSink();
  try {
    const server = await startServerProcess(databaseUrl, port, { ...ACCOUNTS_ENV, SMTP_URL: sink.url });
    try {
      await signup(server.url, KNOWN);
      await signup(server.url, SLOW);
      // Each signup mails a verification link; counted here so only reset mails are counted below.
      await sink.waitFor(KNOWN, 1, 10_000);
      await sink.waitFor(SLOW, 1, 10_000);
      const timing = await knownVsUnknown(server.url, KNOWN, PAIRS, WARMUP);
      // Every reset mail arrives (one at a time, ~110 ms each), and none is left for the slow phase to hold.
      await sink.waitFor(KNOWN, 1 + WARMUP + PAIRS, 60_000);
      const followUp = await followUpAfterReset(server.url, KNOWN, FOLLOW_UP_PAIRS);
      await sink.waitFor(KNOWN, 1 + WARMUP + PAIRS + FOLLOW_UP_PAIRS, 60_000);
      return { engine, timing, followUp, ...(await slowSmtp(server.url, sink)) };
    } finally {
      await server.stop();
    }
  } finally {
    await sink.close();
  }
}

/** The slow phase: requests while sends are held, a count of what got through, then a fast drain. */
async function slowSmtp(url: string, sink: SmtpSink) {
  sink.delayMs = SMTP_DELAY_MS;
  const started = Date.now();
  const slow = await resetsDuringSlowSmtp(url, sink, SLOW, SLOW_REQUESTS, SLOW_SPACING_MS);
  await sleep(SLOW_WAIT_MS);
  const deliveredWhileSlow = { count: sink.received(SLOW) - 1, afterMs: Date.now() - started };
  // Lifted so the rest drains now (and the server's shutdown, which sends what is queued, is quick).
  sink.delayMs = 0;
  const lifted = Date.now();
  await sink.waitFor(SLOW, 1 + SLOW_REQUESTS, 30_000);
  return { slow, deliveredWhileSlow, drainMs: Date.now() - lifted };
}

function timingRow(engine: string, { known, unknown }: KnownUnknownSamples) {
  const ratio = percentile(known, 50) / percentile(unknown, 50);
  // Adjacent requests' ratios (each pair ran back to back), for how sure the p50 ratio is.
  const pairwise = known.map((k, i) => k / (unknown[i] ?? NaN));
  const [low, high] = medianInterval(pairwise);
  return {
    engine,
    "known p50 ms": round(percentile(known, 50), 2),
    "unknown p50 ms": round(percentile(unknown, 50), 2),
    "known p90 ms": round(percentile(known, 90), 2),
    "unknown p90 ms": round(percentile(unknown, 90), 2),
    "known/unknown p50": round(ratio, 3),
    "known/unknown per pair, median [95 % CI]": `${round(median(pairwise), 3)} [${round(low, 3)}–${round(high, 3)}]`,
    [`within ${WITHIN * 100} %`]: Math.abs(ratio - 1) <= WITHIN ? "PASS" : "MISS",
  };
}

function slowRow({ engine, slow, deliveredWhileSlow, drainMs }: EngineResult) {
  const p50 = percentile(slow.samples, 50);
  return {
    engine,
    "p50 ms": round(p50, 2),
    "p90 ms": round(percentile(slow.samples, 90), 2),
    "p50 / SMTP delay": round(p50 / SMTP_DELAY_MS, 4),
    [`p50 < ${SLOW_GOAL_MS} ms`]: p50 < SLOW_GOAL_MS ? "PASS" : "MISS",
    "answered during a send": `${slow.duringSend} of ${SLOW_REQUESTS}`,
    // One send at a time: at most one mail per delay can have arrived.
    "delivered while slow": `${deliveredWhileSlow.count} in ${round(deliveredWhileSlow.afterMs / 1000, 1)} s (≤ ${Math.floor(deliveredWhileSlow.afterMs / SMTP_DELAY_MS)})`,
    "all delivered, delay lifted": `${SLOW_REQUESTS} of ${SLOW_REQUESTS} in ${round(drainMs / 1000, 1)} s`,
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
