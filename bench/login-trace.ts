/**
 * `npx tsx bench/login-trace.ts [pglite]`: where one login's and one signup's wall-clock time goes
 * (issue 11), as the goals bench drives them: one at a time, each after the client has run its own
 * argon2 (so the machine idles and its caches are cold, as between real logins). The compiled
 * server runs with login-trace-preload.cjs, which stamps each statement, argon2 call, signing and
 * the response write; this prints the median stamp of each, next to the client's own medians.
 * A profiler says where the CPU goes; this says where the waiting goes.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import argon2 from "argon2";
import { OWASP_ARGON2_PARAMS } from "../src/auth";
import { BENCH_PASSWORD } from "./accounts";
import { leanGql } from "./lean-client";
import { median, PAIR } from "./measure";
import { withFreshPostgres } from "./postgres";
import { startBuiltServer } from "./server-process";

const ROUNDS = 40;
const WARM_UP = 5;
const SIGNUP = `mutation($i: SignupInput!) { signup(input: $i) { ${PAIR} } }`;
const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { ${PAIR} } }`;
const EMAIL = "trace@example.com";

interface Trace {
  events: [string, number][];
}

async function drive(url: string): Promise<Record<string, number>> {
  await leanGql(url, SIGNUP, { i: { email: EMAIL, password: BENCH_PASSWORD } });
  const params = { type: argon2.argon2id, ...OWASP_ARGON2_PARAMS } as const;
  const hash = await argon2.hash(BENCH_PASSWORD, params);
  const wall = { "{ __typename }": [] as number[], login: [] as number[], "bare verify": [] as number[], signup: [] as number[], "bare hash": [] as number[] };
  const timed = async (samples: number[], op: () => Promise<unknown>) => {
    const start = performance.now();
    await op();
    samples.push(performance.now() - start);
  };
  for (let i = 0; i < ROUNDS; i++) {
    await timed(wall["{ __typename }"], () => leanGql(url, "{ __typename }"));
    await timed(wall.login, () => leanGql(url, LOGIN, { i: { email: EMAIL, password: BENCH_PASSWORD } }));
    await timed(wall["bare verify"], () => argon2.verify(hash, BENCH_PASSWORD));
    await timed(wall.signup, () => leanGql(url, SIGNUP, { i: { email: `trace-${i}@example.com`, password: BENCH_PASSWORD } }));
    await timed(wall["bare hash"], () => argon2.hash(BENCH_PASSWORD, params));
  }
  return Object.fromEntries(Object.entries(wall).map(([what, samples]) => [what, median(samples.slice(WARM_UP))]));
}

function report(traces: Trace[]): void {
  const kinds = new Map<string, Trace[]>();
  for (const trace of traces.slice(1)) {
    const names = trace.events.map(([name]) => name);
    const kind = names.includes("argon2.verify >") ? "login" : names.includes("argon2.hash >") ? "signup" : "{ __typename }";
    kinds.set(kind, [...(kinds.get(kind) ?? []), trace]);
  }
  const shapeOf = (trace: Trace) => trace.events.map(([name]) => name).join("|");
  for (const [kind, all] of kinds) {
    const used = all.slice(WARM_UP);
    // The most common sequence of stamps; a trace with another (a stray heartbeat) is left out.
    const counts = new Map<string, number>();
    for (const trace of used) counts.set(shapeOf(trace), (counts.get(shapeOf(trace)) ?? 0) + 1);
    const shape = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    const same = used.filter((trace) => shapeOf(trace) === shape);
    console.log(`\n${kind}: median ms since the request arrived (${same.length} of ${used.length} requests)`);
    for (const [i, [name]] of (same[0]?.events ?? []).entries()) {
      console.log(`  ${median(same.map((trace) => trace.events[i]?.[1] ?? Number.NaN)).toFixed(2).padStart(7)}  ${name}`);
    }
  }
}

async function traced(databaseUrl: string): Promise<void> {
  const out = join(mkdtempSync(join(tmpdir(), "login-trace-")), "trace.json");
  const { server } = await startBuiltServer(databaseUrl, 4761, { TRACE_OUT: out, LOG_LEVEL: "warn" }, ["--require", join(__dirname, "login-trace-preload.cjs")]);
  let wall: Record<string, number>;
  try {
    wall = await drive(server.url);
  } finally {
    await server.stop();
  }
  console.log("client medians (ms):", Object.entries(wall).map(([what, ms]) => `${what} ${ms.toFixed(2)}`).join(", "));
  report(JSON.parse(readFileSync(out, "utf8")) as Trace[]);
  rmSync(join(out, ".."), { recursive: true, force: true });
}

async function main(): Promise<void> {
  if (process.argv[2] === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "login-trace-db-"));
    try {
      await traced(`pglite:${join(dir, "pglite")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    await withFreshPostgres(process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", traced);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
