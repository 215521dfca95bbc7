/** Prometheus metrics: one registry per server, fed through decorators over the core's ports. */
export { createServerMetrics } from "./server-metrics";
export type { ServerMetrics } from "./server-metrics";
export type { AuthOutcomes } from "./auth-outcomes";
export { ACTIVE_SESSIONS_TTL_MS } from "./live-gauges";
export type { LiveSources, PoolStats } from "./live-gauges";
export { MAX_OPERATION_NAMES } from "./request-families";
export { meteredAuditLog, meteredSessionStore } from "./metered-audit-log";
export { meteredRateLimiter } from "./metered-rate-limiter";
