/** Public surface of the security-event adapters: the composition root opens them once. */
export { FanoutBus } from "./fanout-bus";
export type { BackoffPolicy } from "./backoff";
export type { EventTransport, TransportHandlers } from "./transport";
