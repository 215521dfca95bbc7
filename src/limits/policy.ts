export type { BucketLimit, RateLimitPolicy } from "../auth/ports";
