import type { HttpTimeouts } from "../http";
import { ConfigError } from "./config-error";
import { type Env, readDuration } from "./readers";

const HOUR = 3600;

/** HTTP_REQUEST_TIMEOUT, HTTP_HEADERS_TIMEOUT, HTTP_KEEPALIVE_TIMEOUT, HTTP_CONNECTION_TIMEOUT. */
export function readHttpTimeouts(env: Env): HttpTimeouts {
  const request = readDuration(env, "HTTP_REQUEST_TIMEOUT", "30s", 1, HOUR);
  const headers = readDuration(env, "HTTP_HEADERS_TIMEOUT", "10s", 1, HOUR);
  const keepAlive = readDuration(env, "HTTP_KEEPALIVE_TIMEOUT", "5s", 1, 10 * 60);
  const connection = readDuration(env, "HTTP_CONNECTION_TIMEOUT", "60s", 1, HOUR);
  // Headers are part of the request; Node refuses to start with a longer headers limit.
  if (headers > request) {
    throw new ConfigError(
      "HTTP_HEADERS_TIMEOUT",
      `must not exceed HTTP_REQUEST_TIMEOUT (${headers}s > ${request}s); lower HTTP_HEADERS_TIMEOUT or raise HTTP_REQUEST_TIMEOUT`,
    );
  }
  return { requestMs: request * 1000, headersMs: headers * 1000, keepAliveMs: keepAlive * 1000, connectionMs: connection * 1000 };
}
