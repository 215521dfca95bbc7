import type { AuthDeps } from "./deps";
import { isAuthError, serviceUnavailable } from "./errors";
import type { RateBucket } from "./ports";
import type { ClientInfo } from "./types";

type GuardDeps = Pick<AuthDeps, "limiter" | "auditor" | "logger">;

/**
 * Applies the rate limits around credential checks and token exchanges. Limits are consumed per
 * service call, i.e. per GraphQL field execution, so aliases cannot multiply attempts.
 *
 * When the limit store is unreachable, credential checks fail closed (SERVICE_UNAVAILABLE: an
 * outage must not open the door to brute force) while signup and refresh fail open with a
 * warning (an outage must not sign everyone out).
 */
export class AttemptGuard {
  constructor(private readonly deps: GuardDeps) {}

  /** Before checking a password: the per-IP attempt budget, then the (email, IP) failure budget. */
  async beforeCredentialCheck(email: string, client: ClientInfo): Promise<void> {
    await this.run("consume", "login_ip", ipKey(client), client, "closed", null);
    await this.run("assertAvailable", "login_failures", failureKey(email, client), client, "closed", null);
  }

  async credentialFailed(email: string, client: ClientInfo, userId: string | null): Promise<void> {
    // The failure itself is already being reported; a limit reached here shows on the next attempt.
    await this.run("consume", "login_failures", failureKey(email, client), client, "closed", userId).catch(() => undefined);
  }

  async credentialSucceeded(email: string, client: ClientInfo): Promise<void> {
    await this.deps.limiter.reset("login_failures", failureKey(email, client)).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, "could not reset login failure count");
    });
  }

  async beforeSignup(client: ClientInfo): Promise<void> {
    await this.run("consume", "signup_ip", ipKey(client), client, "open", null);
  }

  async beforeRefresh(client: ClientInfo): Promise<void> {
    await this.run("consume", "refresh_ip", ipKey(client), client, "open", null);
  }

  private async run(
    verb: "consume" | "assertAvailable",
    bucket: RateBucket,
    key: string,
    client: ClientInfo,
    onOutage: "open" | "closed",
    userId: string | null,
  ): Promise<void> {
    try {
      await this.deps.limiter[verb](bucket, key);
    } catch (error) {
      if (isAuthError(error) && error.code === "TOO_MANY_REQUESTS") {
        await this.deps.auditor.record("rate_limited", client, { userId, detail: { bucket } });
        throw error;
      }
      this.deps.logger.warn({ err: error, bucket }, `rate-limit store unavailable; failing ${onOutage}`);
      if (onOutage === "closed") throw serviceUnavailable();
    }
  }
}

const ipKey = (client: ClientInfo) => client.ip ?? "unknown";
const failureKey = (email: string, client: ClientInfo) => `${email}|${ipKey(client)}`;
