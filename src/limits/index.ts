export { createRateLimiter } from "./create-rate-limiter";
export type { RateLimiterHandle } from "./create-rate-limiter";
export { FlexibleRateLimiter } from "./flexible-limiter";
export type { BucketLimit, RateLimitPolicy } from "./policy";
