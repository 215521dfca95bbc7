import { type AlgorithmSamples, algorithmAb, ME_ROUNDS, ME_SECONDS, REFRESH_ROUNDS, REFRESH_SECONDS } from "./keys-ab";
import { JWKS_ROUNDS, JWKS_SECONDS, jwksLoad, ratioToHealth } from "./jwks-load";
import { jwtMicros, type MicroResult } from "./jwt-micro";
import { type BenchAlgorithm, withAlgorithmServers } from "./keys-servers";
import { PIPELINE_BLOCKS, pipelineCpuMicros } from "./keys-pipeline";
import { median, medianInterval } from "./measure";

/** The budget: ES256 may cost at most this share of `me` throughput. */
const BUDGET_PERCENT = 10;
const BUDGET = `cost ≤ ${BUDGET_PERCENT} %`;

/**
 * Signing keys (issue 8): jsonwebtoken per operation and `me` through context + Apollo, in process;
 * then `me` and refresh over HTTP on an HS256 and an ES256 server in the same run, then the ES256
 * server's JWKS next to /health. Ratios, not absolute numbers, are the result: the machine is
 * shared and its load drifts.
 */
export async function keysSections(postgresUrl: string | null): Promise<void> {
  console.log("\nJWT per operation in process (jsonwebtoken, KeyObjects created once), median CPU µs of 6 interleaved rounds:");
  const micro = await jwtMicros();
  console.table(microRows(micro));
  const engine = postgresUrl ? "PostgreSQL" : "PGlite (on disk)";
  await withAlgorithmServers(postgresUrl, async (servers) => {
    // First, while the servers are idle.
    const pipeline = await pipelineCpuMicros(servers);
    const [hs, es] = await algorithmAb(servers);
    if (!hs || !es) throw new Error("both algorithms must have run");
    console.log(`\n\`me\` and refresh, ES256 vs HS256 (two servers, ${engine} each, alternating rounds; the issue's budget: ${BUDGET}):`);
    console.table(abRows(hs, es, pipeline));
    const esServer = servers.find((s) => s.algorithm === "ES256");
    if (!esServer) throw new Error("no ES256 server");
    const jwks = await jwksLoad(esServer.server);
    console.log(`\nJWKS endpoint on the ES256 server next to /health (50 connections, ${JWKS_ROUNDS}×${JWKS_SECONDS} s, rotating order):`);
    console.table(
      jwks.map((s) => ({
        route: s.label,
        "req/s, median [min–max]": spread(s.rps),
        "× /health": round(ratioToHealth(jwks, s.target, (x) => x.rps), 2),
        "per CPU-second": Math.round(median(s.perCpuSecond)),
        "× /health (CPU)": round(ratioToHealth(jwks, s.target, (x) => x.perCpuSecond), 2),
      })),
    );
  });
}

function microRows(micro: MicroResult) {
  const base = (micro.HS256.sign + micro.HS256.verify) || NaN;
  return Object.entries(micro).map(([algorithm, m]) => ({
    algorithm,
    "sign µs": round(m.sign, 1),
    "verify µs": round(m.verify, 1),
    "sign+verify µs": round(m.sign + m.verify, 1),
    "× HS256": round((m.sign + m.verify) / base, 2),
    "server's verify of a token seen before (cached) µs": round(m.serviceVerify, 1),
    "key as string per call, sign+verify µs": Math.round(m.textSignVerify),
    "× KeyObject": round(m.textSignVerify / (m.sign + m.verify), 1),
  }));
}

function abRows(hs: AlgorithmSamples, es: AlgorithmSamples, pipeline: Record<BenchAlgorithm, number[]>) {
  // In-process blocks: what ES256 adds to one `me`, as a throughput ratio of an HTTP HS256 `me`'s CPU time.
  const hsCpuMicros = 1e6 / median(hs.me.perCpuSecond);
  const added = pipeline.ES256.map((x, i) => hsCpuMicros / (hsCpuMicros + x - (pipeline.HS256[i] ?? NaN)));
  return [
    row(`me req/s, median [min–max] of ${ME_ROUNDS}×${ME_SECONDS} s`, spread(hs.me.rps), spread(es.me.rps), ratiosOf(hs.me.rps, es.me.rps), true),
    row("me per second of server CPU", spread(hs.me.perCpuSecond), spread(es.me.perCpuSecond), ratiosOf(hs.me.perCpuSecond, es.me.perCpuSecond), true),
    row(
      `me in process (context + Apollo), CPU µs, median of ${PIPELINE_BLOCKS}×500; ratio: its Δ added to an HTTP me`,
      round(median(pipeline.HS256), 1),
      round(median(pipeline.ES256), 1),
      added,
      true,
    ),
    row(`refresh/s (16 chains), ${REFRESH_ROUNDS}×${REFRESH_SECONDS} s`, spread(hs.refresh.rps), spread(es.refresh.rps), ratiosOf(hs.refresh.rps, es.refresh.rps), false),
    row("refresh per second of server CPU", spread(hs.refresh.perCpuSecond), spread(es.refresh.perCpuSecond), ratiosOf(hs.refresh.perCpuSecond, es.refresh.perCpuSecond), false),
  ];
}

/** Adjacent rounds' ES256/HS256 ratios. */
const ratiosOf = (hs: number[], es: number[]) => es.map((x, i) => x / (hs[i] ?? NaN));

/** The median ES256/HS256 ratio with its 95 % confidence interval, and the budget's verdict. */
function row(measure: string, hs: string | number, es: string | number, ratios: number[], budgeted: boolean) {
  const [low, high] = medianInterval(ratios);
  return {
    measure,
    HS256: hs,
    ES256: es,
    "ES256/HS256": round(median(ratios), 3),
    "95 % CI": `${round(low, 3)} … ${round(high, 3)}`,
    [BUDGET]: budgeted ? verdictOf(ratios.map((r) => (1 - r) * 100)) : "—",
  };
}

/** "yes" when the cost's interval lies within the budget, "NO" when above it, else "unclear (noise)". */
function verdictOf(costs: number[]): string {
  const [low, high] = medianInterval(costs);
  if (high <= BUDGET_PERCENT) return "yes";
  if (low > BUDGET_PERCENT) return "NO";
  return "unclear (noise)";
}

const spread = (xs: number[]) => `${Math.round(median(xs))} [${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}]`;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
