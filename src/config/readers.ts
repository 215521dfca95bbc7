import { ConfigError } from "./config-error";
import { parseDurationSeconds } from "./duration";

export type Env = Readonly<Record<string, string | undefined>>;

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readOptional(env: Env, name: string): string | undefined {
  return raw(env, name);
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export function readBool(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw new ConfigError(name, `expected true or false, got "${value}"`);
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const match = allowed.find((a) => a === value);
  if (!match) throw new ConfigError(name, `expected one of ${allowed.join(", ")}, got "${value}"`);
  return match;
}

/** Durations in seconds: "900", "5s", "15m", "12h", "14d". */
export function readDuration(env: Env, name: string, fallback: string, min: number, max: number): number {
  const value = raw(env, name) ?? fallback;
  const seconds = parseDurationSeconds(value);
  if (seconds === null) {
    throw new ConfigError(name, `expected a duration like "900", "15m", "12h" or "14d", got "${value}"`);
  }
  if (seconds < min || seconds > max) {
    throw new ConfigError(name, `must be between ${min}s and ${max}s, got "${value}" (${seconds}s)`);
  }
  return seconds;
}

/** An http(s) base URL without query, fragment or credentials, trailing slashes dropped; null otherwise. */
export function parseBaseUrl(value: string): string | null {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) return null;
  return url.href.replace(/\/+$/, "");
}
