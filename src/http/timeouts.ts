import type { FastifyHttpOptions } from "fastify";
import type { Server } from "node:http";

/** Per-connection time limits, in milliseconds (HTTP_*_TIMEOUT). */
export interface HttpTimeouts {
  /** Whole request, headers and body, from its first byte. Bounds slow-body (slowloris) uploads. */
  requestMs: number;
  /** Request headers, from the first byte (or the connection): bounds trickled headers. */
  headersMs: number;
  /** How long an idle keep-alive connection waits for the next request. */
  keepAliveMs: number;
  /** Socket inactivity in either direction; also ends a client that stops reading its response. */
  connectionMs: number;
}

/** Node enforces the headers and request limits only when it sweeps its connection list. */
const MAX_SWEEP_MS = 1000;
const MIN_SWEEP_MS = 250;

/**
 * Node checks the headers and request timeouts only every `connectionsCheckingInterval` (default
 * 30 s), so a 10 s limit would really be up to 40 s; sweeping at least every second makes the
 * configured limits the real ones, give or take a second.
 */
export function sweepIntervalMs(timeouts: HttpTimeouts): number {
  return Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(timeouts.headersMs / 4)));
}

/**
 * Fastify turns the request timeout off (0) and keeps idle sockets 72 s by default, so a client
 * trickling a byte at a time could hold a connection forever. These options switch every limit on.
 */
export function timeoutOptions(timeouts: HttpTimeouts): Pick<FastifyHttpOptions<Server>, "connectionTimeout" | "keepAliveTimeout" | "requestTimeout" | "http"> {
  return {
    connectionTimeout: timeouts.connectionMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    requestTimeout: timeouts.requestMs,
    http: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: sweepIntervalMs(timeouts),
    },
  };
}
