/** Public surface of the security-event adapters: the composition root opens them once. */
export { openSecurityEvents, POSTGRES_CHANNEL } from "./open-security-events";
export type { SecurityEvents, SecurityEventsOptions } from "./open-security-events";
export { FanoutBus } from "./fanout-bus";
export { PostgresTransport, LISTENER_APPLICATION_NAME } from "./postgres-transport";
export type { PostgresTransportOptions } from "./postgres-transport";
// The Redis transport is not re-exported: importing it loads ioredis (~30 ms of every start), so
// only open-security-events loads it, and only with a Redis URL. Import "./redis-transport" itself.
export type { BackoffPolicy } from "./backoff";
export type { EventTransport, TransportHandlers } from "./transport";
