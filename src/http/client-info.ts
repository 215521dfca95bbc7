import type { FastifyRequest } from "fastify";
import { type ClientInfo, normalizeClientIp } from "../auth";

const MAX_USER_AGENT = 512;

/**
 * The socket address (proxies are not trusted by default), IPv4-mapped IPv6 unwrapped so one
 * client is recorded (and rate-limited) the same way on a dual-stack socket, and a bounded user agent.
 */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers["user-agent"];
  return {
    userAgent: typeof userAgent === "string" && userAgent !== "" ? userAgent.slice(0, MAX_USER_AGENT) : null,
    ip: request.ip ? normalizeClientIp(request.ip) : null,
    requestId: request.id,
  };
}
