import { isAuthError, type RateLimiter } from "../auth";
import type { AuthOutcomes } from "./auth-outcomes";

/**
 * The limiter port counting its refusals by budget, at the moment they happen (the audit trail
 * coalesces them per window and writes most of them later). A store outage is not a refusal.
 */
export function meteredRateLimiter(inner: RateLimiter, outcomes: AuthOutcomes): RateLimiter {
  return {
    consume: async (bucket, key) => {
      try {
        await inner.consume(bucket, key);
      } catch (error) {
        if (isAuthError(error) && error.code === "TOO_MANY_REQUESTS") outcomes.rateLimited(bucket);
        throw error;
      }
    },
    refund: (bucket, key) => inner.refund(bucket, key),
    reset: (bucket, key) => inner.reset(bucket, key),
  };
}
