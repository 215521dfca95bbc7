/**
 * `npx tsx bench/idle-round-trip.ts`: what one PostgreSQL statement costs back to back and after
 * the client has slept as long as an argon2id verify (21 ms), as login's session insert follows
 * one. On this VM the cores idle meanwhile and waking them costs more than the statement: the
 * login and signup rows of the goals bench carry that, twice (lookup, then insert). PostgreSQL
 * from BENCH_POSTGRES_URL; the probe table lives in a fresh database and goes with it.
 */
import pg from "pg";
import { percentile } from "./measure";
import { withFreshPostgres } from "./postgres";

async function probe(pool: pg.Pool, gapMs: number, text: string, values: unknown[]): Promise<{ p50: number; p90: number }> {
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    const start = performance.now();
    await pool.query({ name: `probe_${text.length}`, text, values });
    samples.push(performance.now() - start);
  }
  return { p50: percentile(samples, 50), p90: percentile(samples, 90) };
}

async function main(): Promise<void> {
  await withFreshPostgres(process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", async (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await pool.query("CREATE TABLE probe (id int)");
      for (const gap of [0, 2, 21]) {
        const select = await probe(pool, gap, "SELECT $1::int", [1]);
        const insert = await probe(pool, gap, "INSERT INTO probe VALUES ($1)", [1]);
        console.log(`after ${String(gap).padStart(2)} ms idle: SELECT p50 ${select.p50.toFixed(3)} (p90 ${select.p90.toFixed(3)}) ms, INSERT + commit p50 ${insert.p50.toFixed(3)} (p90 ${insert.p90.toFixed(3)}) ms`);
      }
    } finally {
      await pool.end();
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
