import { SIGNUP_MODES, type SignupMode } from "../auth/mailed-tokens";
import { type Env, readBool, readDuration, readEnum } from "./readers";

export interface AccountsConfig {
  /** REQUIRE_EMAIL_VERIFICATION: unverified accounts cannot sign in. */
  requireEmailVerification: boolean;
  /** SIGNUP_MODE: open, invite (an invitation is needed) or closed (admins create accounts). */
  signupMode: SignupMode;
  /** Lifetimes of the mailed tokens, in seconds. */
  tokenTtlSeconds: { emailVerification: number; passwordReset: number; emailChange: number; invite: number };
}

const DAY = 86400;

export function readAccounts(env: Env): AccountsConfig {
  return {
    requireEmailVerification: readBool(env, "REQUIRE_EMAIL_VERIFICATION", false),
    signupMode: readEnum(env, "SIGNUP_MODE", SIGNUP_MODES, "open"),
    tokenTtlSeconds: {
      emailVerification: readDuration(env, "EMAIL_VERIFICATION_TTL", "24h", 60, 30 * DAY),
      // Short: a reset link in a mailbox is a password waiting to be set.
      passwordReset: readDuration(env, "PASSWORD_RESET_TTL", "30m", 60, DAY),
      emailChange: readDuration(env, "EMAIL_CHANGE_TTL", "1h", 60, 7 * DAY),
      invite: readDuration(env, "INVITE_TTL", "7d", 60, 90 * DAY),
    },
  };
}
