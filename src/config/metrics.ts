import { ConfigError } from "./config-error";
import { type Env, readOptional } from "./readers";

const MIN_TOKEN_LENGTH = 32;
/** RFC 6750 b64token: what fits after "Bearer " in one header without quoting or spaces. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const FIX = "use METRICS_TOKEN=$(openssl rand -hex 32), or unset it to serve /metrics to loopback only";

/**
 * METRICS_TOKEN: when set, GET /metrics requires `Authorization: Bearer <token>` from every
 * client, loopback included (behind a reverse proxy on the same host every request is loopback).
 * Unset, /metrics answers loopback peers only. Kept as bytes and never echoed in a message.
 */
export function readMetricsToken(env: Env): Buffer | null {
  const value = readOptional(env, "METRICS_TOKEN");
  if (value === undefined) return null;
  if (!BEARER_TOKEN.test(value)) throw new ConfigError("METRICS_TOKEN", `may hold only A-Z a-z 0-9 - . _ ~ + / (and trailing =); ${FIX}`);
  if (value.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError("METRICS_TOKEN", `too short (${value.length} characters, at least ${MIN_TOKEN_LENGTH}); ${FIX}`);
  }
  return Buffer.from(value, "utf8");
}
