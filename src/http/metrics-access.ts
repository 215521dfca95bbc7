import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export type MetricsRefusal = "token_missing" | "token_wrong" | "not_loopback" | "proxied";

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (a dual-stack socket's spelling of 127.0.0.1). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.toLowerCase().startsWith("::ffff:") ? address.slice(7) : address;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function tokenDigest(token: Buffer): Buffer {
  return createHash("sha256").update(token).digest();
}

/**
 * Whether `Authorization: Bearer <token>` carries the token. Both sides are hashed first, so
 * the comparison is constant-time and of equal lengths whatever was presented.
 */
export function bearerMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  const presented = /^Bearer +(\S+) *$/i.exec(header ?? "")?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(tokenDigest(Buffer.from(presented, "utf8")), expectedDigest);
}

/**
 * Who may read /metrics. With METRICS_TOKEN, whoever presents it, from anywhere, and nobody
 * else, loopback included: behind a reverse proxy on the same host every request arrives from
 * loopback, which is the reason the token exists. Without it, loopback peers only, judged by the
 * socket's address (X-Forwarded-For and TRUST_PROXY are never consulted: a client writes those),
 * and not when a proxy's forwarding header shows the request was relayed (a backstop for the
 * same-host proxy, not a guarantee: a proxy need not add one).
 */
export function metricsRefusal(peer: string | undefined, headers: IncomingHttpHeaders, expectedDigest: Buffer | null): MetricsRefusal | null {
  if (expectedDigest) {
    if (headers.authorization === undefined) return "token_missing";
    return bearerMatches(headers.authorization, expectedDigest) ? null : "token_wrong";
  }
  if (!isLoopback(peer)) return "not_loopback";
  if (headers["x-forwarded-for"] !== undefined || headers.forwarded !== undefined || headers["x-real-ip"] !== undefined) return "proxied";
  return null;
}
