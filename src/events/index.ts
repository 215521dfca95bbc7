/** Public surface of the security-event adapters: the composition root opens them once. */
export { openSecurityEvents, POSTGRES_CHANNEL } from "./open-security-events";
export type { SecurityEvents, SecurityEventsOptions } from "./open-security-events";
export { FanoutBus } from "./fanout-bus";
export { PostgresTransport, LISTENER_APPLICATION_NAME } from "./postgres-transport";
export type { PostgresTransportOptions } from "./postgres-transport";
export { PUBLISHER_NAME_PREFIX, RedisTransport, SUBSCRIBER_NAME_PREFIX } from "./redis-transport";
export type { RedisTransportOptions } from "./redis-transport";
export type { BackoffPolicy } from "./backoff";
export type { EventTransport, TransportHandlers } from "./transport";
