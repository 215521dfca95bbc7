import { clientNetworkKey } from "./client-network";
import type { AuthDeps } from "./deps";
import { isAuthError, serviceUnavailable } from "./errors";
import type { RateBucket } from "./ports";
import type { RateLimitAudit } from "./rate-limit-audit";
import type { ClientInfo } from "./types";

type GuardDeps = Pick<AuthDeps, "limiter" | "logger"> & { refusals: RateLimitAudit };

export interface GuardSettings {
  /** IPv6 clients are keyed by this many leading bits of their address (their network). */
  ipv6PrefixLength: number;
}

type Reservation = readonly [RateBucket, string];

/**
 * Applies the rate limits around credential checks and token exchanges. Limits are consumed per
 * service call, i.e. per GraphQL field execution, so aliases cannot multiply attempts.
 *
 * A password check is paid for up front: one failure is *reserved* from each failure budget
 * before argon2 runs and given back only if the password was right. Reading the budget first and
 * writing it after the ~30 ms verify let N concurrent guesses all be evaluated; with a
 * reservation, at most the budget ever is.
 *
 * When the limit store is unreachable, credential checks fail closed (SERVICE_UNAVAILABLE: an
 * outage must not open the door to brute force) while signup and refresh fail open with a
 * warning (an outage must not sign everyone out).
 */
export class AttemptGuard {
  constructor(
    private readonly deps: GuardDeps,
    private readonly settings: GuardSettings,
  ) {}

  /**
   * Runs `check` (a password verification) under reserved failures for (email, network) and for
   * the account across all networks. `ok: false` keeps them spent; `ok: true` refunds the
   * account's and clears the pair's; a throw refunds both, since nothing was decided.
   */
  async checkCredential<T extends { ok: boolean }>(
    email: string,
    client: ClientInfo,
    userId: string | null,
    check: () => Promise<T>,
  ): Promise<T> {
    const network = this.networkOf(client);
    await this.spend("login_ip", network, client, "closed", userId);
    const pair: Reservation = ["login_failures", `${email}|${network}`];
    const account: Reservation = ["login_account", email];
    await this.reserveAll([pair, account], client, userId);
    let result: T;
    try {
      result = await check();
    } catch (error) {
      await this.giveBack([pair, account]);
      throw error;
    }
    if (result.ok) await this.settleSuccess(pair, account);
    return result;
  }

  async beforeSignup(client: ClientInfo): Promise<void> {
    await this.spend("signup_ip", this.networkOf(client), client, "open", null);
  }

  async beforeRefresh(client: ClientInfo): Promise<void> {
    await this.spend("refresh_ip", this.networkOf(client), client, "open", null);
  }

  /**
   * A request that sends mail to `address`: per client network and per address, so neither one
   * caller nor many can flood a mailbox. Spent whether or not the address has an account (the
   * answer must not differ), and fails closed in an outage: mail is never urgent, spam is.
   */
  async beforeMail(address: string, client: ClientInfo, userId: string | null = null): Promise<void> {
    await this.reserveAll([["mail_ip", this.networkOf(client)], ["mail_address", address]], client, userId);
  }

  /**
   * Mail the caller did not ask for (a notice to an existing account's owner, a fresh
   * verification link after a refused login): sent only while the address's budget lasts, and
   * never an error for the caller, whose answer must not change.
   */
  async mayMailQuietly(address: string): Promise<boolean> {
    try {
      await this.deps.limiter.consume("mail_address", address);
      return true;
    } catch (error) {
      if (!isAuthError(error) || error.code !== "TOO_MANY_REQUESTS") this.deps.logger.warn({ err: error }, "rate-limit store unavailable; mail not sent");
      return false;
    }
  }

  /** Redeeming a mailed token: 256-bit tokens cannot be guessed, so an outage fails open. */
  async beforeTokenRedeem(client: ClientInfo): Promise<void> {
    await this.spend("token_ip", this.networkOf(client), client, "open", null);
  }

  /** All or nothing: a refusal of a later budget gives back the earlier ones, which were not used. */
  private async reserveAll(reservations: Reservation[], client: ClientInfo, userId: string | null): Promise<void> {
    const taken: Reservation[] = [];
    try {
      for (const reservation of reservations) {
        await this.spend(reservation[0], reservation[1], client, "closed", userId);
        taken.push(reservation);
      }
    } catch (error) {
      await this.giveBack(taken);
      throw error;
    }
  }

  private async settleSuccess(pair: Reservation, account: Reservation): Promise<void> {
    await this.quietly("clear login failures", () => this.deps.limiter.reset(...pair));
    await this.quietly("refund login attempt", () => this.deps.limiter.refund(...account));
  }

  private async giveBack(reservations: Reservation[]): Promise<void> {
    for (const reservation of reservations) {
      await this.quietly("refund login attempt", () => this.deps.limiter.refund(...reservation));
    }
  }

  /** Bookkeeping after the decision: a failure here must not change the answer already reached. */
  private async quietly(what: string, work: () => Promise<void>): Promise<void> {
    await work().catch((error: unknown) => this.deps.logger.warn({ err: error }, `could not ${what}`));
  }

  private async spend(bucket: RateBucket, key: string, client: ClientInfo, onOutage: "open" | "closed", userId: string | null): Promise<void> {
    try {
      await this.deps.limiter.consume(bucket, key);
    } catch (error) {
      if (isAuthError(error) && error.code === "TOO_MANY_REQUESTS") {
        await this.deps.refusals.refused(bucket, key, client, userId);
        throw error;
      }
      this.deps.logger.warn({ err: error, bucket }, `rate-limit store unavailable; failing ${onOutage}`);
      if (onOutage === "closed") throw serviceUnavailable();
    }
  }

  private networkOf(client: ClientInfo): string {
    return clientNetworkKey(client.ip, this.settings.ipv6PrefixLength);
  }
}
