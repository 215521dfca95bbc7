import { authorizeOperationMicros } from "./authorize-cost";
import { HTTP_ROUNDS, type HttpSamples, httpAuthorizationAb, ROUND_SECONDS } from "./authz-overhead";
import { pipelineMicros } from "./authz-pipeline";
import { median, medianInterval } from "./measure";

const BUDGET_PERCENT = 5;
const BUDGET = `< ${BUDGET_PERCENT} %`;

/**
 * What the pre-execution authorization check costs `me`, three ways: HTTP throughput A/B (wall
 * clock, and per second of server CPU), the Apollo pipeline in process A/B, and
 * `authorizeOperation` alone; the last two as a share of an HTTP request's measured CPU time.
 * A/B costs are the median over adjacent with/without pairs; single pairs scatter (by ±10 % or
 * more over HTTP on a shared 2-core machine), so the verdict goes by the median's 95 % confidence
 * interval and says "unclear" when 5 % falls inside it.
 */
export async function authorizationCostBench() {
  const http = await httpAuthorizationAb();
  const pipeline = await pipelineMicros();
  const direct = authorizeOperationMicros();
  const failed = http.with.failed + http.without.failed;
  if (failed > 0) throw new Error(`${failed} HTTP requests failed during the A/B`);
  // Share of one `me` request's server CPU time, in %: µs × requests per CPU-second / 1e6 × 100.
  const share = (micros: number) => (micros * median(http.with.perCpuSecond)) / 1e4;
  const pairCost = (on: number[], off: number[]) => on.map((x, i) => (1 - x / (off[i] ?? NaN)) * 100);
  return [
    {
      measure: `HTTP me req/s, median [min–max] of ${HTTP_ROUNDS}×${ROUND_SECONDS} s`,
      with: spread(http.with.rps),
      without: spread(http.without.rps),
      ...verdict(pairCost(http.with.rps, http.without.rps)),
    },
    {
      measure: "HTTP me per second of server CPU, median [min–max]",
      with: spread(http.with.perCpuSecond),
      without: spread(http.without.perCpuSecond),
      ...verdict(pairCost(http.with.perCpuSecond, http.without.perCpuSecond)),
    },
    {
      measure: "Apollo pipeline in process, µs/op; cost: Δ as share of an HTTP request's CPU",
      with: round(median(pipeline.with), 1),
      without: round(median(pipeline.without), 1),
      ...verdict(pipeline.with.map((x, i) => share(x - (pipeline.without[i] ?? NaN)))),
    },
    {
      measure: `authorizeOperation alone, µs (warm cache; cold: ${round(direct.cold, 1)})`,
      with: round(direct.warm, 2),
      without: "—",
      ...verdict([share(direct.warm)]),
    },
  ];
}

function verdict(costs: number[]) {
  const [low, high] = medianInterval(costs);
  const held = high < BUDGET_PERCENT ? "yes" : low >= BUDGET_PERCENT ? "NO" : "unclear (noise)";
  const interval = costs.length > 1 ? `${round(low, 2)} … ${round(high, 2)}` : "—";
  return { "cost %": round(median(costs), 2), "95 % CI": interval, [BUDGET]: held };
}

const spread = (xs: number[]) => `${Math.round(median(xs))} [${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}]`;
const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
