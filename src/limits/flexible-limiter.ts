import { AuthError, type RateBucket, type RateLimiter } from "../auth";
import { type RateLimiterAbstract, RateLimiterRes } from "./flexible-classes";

function tooMany(res: RateLimiterRes): AuthError {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AuthError("TOO_MANY_REQUESTS", `Too many attempts; try again in ${retryAfter} seconds.`, { retryAfter });
}

/**
 * RateLimiter on rate-limiter-flexible. `consume` is one atomic increment in either store (a
 * Map in memory, INCR in Redis), which is what lets callers reserve before the expensive work.
 * A rejection carrying RateLimiterRes means "limit reached"; any other rejection is the store
 * failing and is rethrown as is, for the caller's fail-open/fail-closed decision.
 */
export class FlexibleRateLimiter implements RateLimiter {
  constructor(private readonly limiters: Readonly<Record<RateBucket, RateLimiterAbstract>>) {}

  async consume(bucket: RateBucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooMany(error);
      throw error;
    }
  }

  async refund(bucket: RateBucket, key: string): Promise<void> {
    await this.limiters[bucket].reward(key, 1);
  }

  async reset(bucket: RateBucket, key: string): Promise<void> {
    await this.limiters[bucket].delete(key);
  }
}
