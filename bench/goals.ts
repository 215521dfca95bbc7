/**
 * The performance goals of issue 11, each measured as a ratio (or a cost) within one run, next to
 * its goal: absolute numbers drift from machine to machine and from minute to minute on a shared
 * one, ratios taken in the same run much less. `recordGoal` collects rows from every section;
 * `printGoals` prints them and answers how many missed (BENCH_STRICT=1 then fails the run).
 */

export interface GoalRow {
  what: string;
  engine: string;
  /** What was measured, with its units, for the reader. */
  measured: string;
  /** The number the goal is about (a ratio, ms, MB or s). */
  value: number;
  /** null: reported for comparison only, no goal on this engine. */
  goal: { cmp: "≥" | "≤"; target: number; stretch?: number } | null;
}

const rows: GoalRow[] = [];

export function recordGoal(row: GoalRow): void {
  rows.push(row);
}

const met = (row: GoalRow): boolean | null =>
  row.goal === null ? null : row.goal.cmp === "≥" ? row.value >= row.goal.target : row.value <= row.goal.target;

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);

/** Prints every goal row recorded so far; returns how many missed their goal. */
export function printGoals(): number {
  if (rows.length === 0) return 0;
  console.log("\nGoals (issue 11; every value measured in this run):");
  console.table(
    rows.map((row) => {
      const ok = met(row);
      const stretch = row.goal?.stretch;
      return {
        what: row.what,
        engine: row.engine,
        measured: row.measured,
        value: round(row.value),
        goal: row.goal ? `${row.goal.cmp} ${row.goal.target}${stretch !== undefined ? ` (stretch ${row.goal.cmp} ${stretch})` : ""}` : "—",
        result: ok === null ? "info" : ok ? (stretch !== undefined && compare(row.goal?.cmp, row.value, stretch) ? "met, stretch too" : "met") : "MISSED",
      };
    }),
  );
  return rows.filter((row) => met(row) === false).length;
}

function compare(cmp: "≥" | "≤" | undefined, value: number, target: number): boolean {
  return cmp === "≥" ? value >= target : value <= target;
}
