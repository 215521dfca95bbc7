/** Where a command writes: stdout for answers, stderr for everything else. */
export type Write = (text: string) => void;

export interface CliIo {
  stdout: Write;
  stderr: Write;
}

export function println(write: Write, line: string): void {
  write(`${line}\n`);
}

/** Scripts read `--json`: one document, dates as ISO strings. */
export function printJson(write: Write, value: unknown): void {
  println(write, JSON.stringify(value, null, 2));
}

/**
 * Left-aligned columns two spaces apart, each as wide as its widest cell (or `minWidths`, so rows
 * printed later, as `audit tail --follow` does, line up under the same header).
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], minWidths: readonly number[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, minWidths[i] ?? 0, ...rows.map((row) => (row[i] ?? "").length)));
  return [header, ...rows].map((row) => formatRow(row, widths));
}

export function formatRow(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
}

/** A missing value in a table cell. */
export const NONE = "-";
