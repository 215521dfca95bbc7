const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^(\d+)(s|m|h|d)?$/;

/** Parses "900", "5s", "15m", "12h", "14d" into whole seconds; null when malformed. */
export function parseDurationSeconds(raw: string): number | null {
  const match = DURATION.exec(raw.trim());
  if (!match?.[1]) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] ?? "s"]!;
  return Number.isSafeInteger(seconds) ? seconds : null;
}
