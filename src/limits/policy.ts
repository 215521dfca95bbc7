import type { RateBucket } from "../auth/ports";

export interface BucketLimit {
  /** Units allowed per window. */
  points: number;
  windowSeconds: number;
}

export type RateLimitPolicy = Readonly<Record<RateBucket, BucketLimit>>;
