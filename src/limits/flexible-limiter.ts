import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { AuthError, type RateBucket, type RateLimiter } from "../auth";
import type { RateLimitPolicy } from "./policy";

function tooMany(res: RateLimiterRes): AuthError {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AuthError("TOO_MANY_REQUESTS", `Too many attempts; try again in ${retryAfter} seconds.`, { retryAfter });
}

/**
 * RateLimiter on rate-limiter-flexible. A rejection carrying RateLimiterRes means "limit reached";
 * any other rejection is the store failing and is rethrown as is, for the caller's
 * fail-open/fail-closed decision.
 */
export class FlexibleRateLimiter implements RateLimiter {
  constructor(
    private readonly limiters: Readonly<Record<RateBucket, RateLimiterAbstract>>,
    private readonly policy: RateLimitPolicy,
  ) {}

  async consume(bucket: RateBucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw tooMany(error);
      throw error;
    }
  }

  async assertAvailable(bucket: RateBucket, key: string): Promise<void> {
    const res = await this.limiters[bucket].get(key);
    if (res && res.consumedPoints >= this.policy[bucket].points) throw tooMany(res);
  }

  async reset(bucket: RateBucket, key: string): Promise<void> {
    await this.limiters[bucket].delete(key);
  }
}
