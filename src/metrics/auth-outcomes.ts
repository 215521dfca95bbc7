import { Counter, type Registry } from "prom-client";
import { RATE_BUCKETS, type RateBucket } from "../auth";
import { OTHER, oneOf } from "./label-bounds";

/** Why a login was refused, as the core records it in `login_failed` audit events. */
export const LOGIN_FAILURE_REASONS = ["wrong_password", "unknown_email", "account_disabled", "email_not_verified", "credentials_changed"] as const;
/** What a password was re-checked for, other than login (credential-check.ts). */
export const REAUTHENTICATION_PURPOSES = ["change_password", "change_email", "delete_account"] as const;
export const REFRESH_RESULTS = ["rotated", "rotated_in_grace", "reuse_detected"] as const;
export type RefreshResult = (typeof REFRESH_RESULTS)[number];

/** What the audit and limiter decorators report; one implementation per server, on its registry. */
export interface AuthOutcomes {
  loginSucceeded(): void;
  loginFailed(reason: unknown): void;
  reauthenticationFailed(purpose: unknown): void;
  refreshed(result: RefreshResult): void;
  rateLimited(bucket: RateBucket): void;
}

export function createAuthOutcomes(registry: Registry): AuthOutcomes {
  const registers = [registry];
  const logins = new Counter({
    name: "auth_logins_total",
    help: "Login attempts that reached the password check, by result: success, or why it was refused. Rate-limited attempts are auth_rate_limited_total.",
    labelNames: ["result"] as const,
    registers,
  });
  const reauthentications = new Counter({
    name: "auth_reauthentication_failures_total",
    help: "Wrong current passwords given to a signed-in operation (change password or email, delete account), by purpose.",
    labelNames: ["purpose"] as const,
    registers,
  });
  const refreshes = new Counter({
    name: "auth_refreshes_total",
    help: "Refresh-token exchanges by result: rotated, rotated_in_grace (a concurrent client's sibling), reuse_detected (the session was revoked). Refused tokens: graphql_root_field_results_total{field=\"Mutation.refreshToken\"}.",
    labelNames: ["result"] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: "auth_rate_limited_total",
    help: "Requests refused by a rate limit, by budget.",
    labelNames: ["bucket"] as const,
    registers,
  });
  // Every value of a closed set starts at 0, so rate() and alerts see the series before the first event.
  for (const result of ["success", ...LOGIN_FAILURE_REASONS, OTHER]) logins.inc({ result }, 0);
  for (const purpose of [...REAUTHENTICATION_PURPOSES, OTHER]) reauthentications.inc({ purpose }, 0);
  for (const result of REFRESH_RESULTS) refreshes.inc({ result }, 0);
  for (const bucket of RATE_BUCKETS) rateLimited.inc({ bucket }, 0);
  return {
    loginSucceeded: () => logins.inc({ result: "success" }),
    loginFailed: (reason) => logins.inc({ result: oneOf(reason, LOGIN_FAILURE_REASONS) }),
    reauthenticationFailed: (purpose) => reauthentications.inc({ purpose: oneOf(purpose, REAUTHENTICATION_PURPOSES) }),
    refreshed: (result) => refreshes.inc({ result }),
    rateLimited: (bucket) => rateLimited.inc({ bucket }),
  };
}
