/**
 * The closed set of failures the auth core can report. The GraphQL layer maps these to
 * `extensions.code` in exactly one place (src/graphql/errors/format-error.ts); nothing else
 * invents client-visible codes.
 */
export const AUTH_ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "INVALID_CREDENTIALS",
  "EMAIL_TAKEN",
  "INVALID_REFRESH_TOKEN",
  "REFRESH_TOKEN_REUSED",
  /** A rate limit is exhausted; `retryAfter` says in how many seconds to try again. */
  "TOO_MANY_REQUESTS",
  /** A dependency (database, rate-limit store) is unreachable; safe to retry later. */
  "SERVICE_UNAVAILABLE",
  /** A mailed token (verification, reset, email change, invite) is unknown, used, superseded or expired. */
  "INVALID_TOKEN",
  /** REQUIRE_EMAIL_VERIFICATION: the account must verify its email before signing in. */
  "EMAIL_NOT_VERIFIED",
] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

export const UNAUTHENTICATED_REASONS = [
  "TOKEN_MISSING",
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "SESSION_REVOKED",
] as const;
export type UnauthenticatedReason = (typeof UNAUTHENTICATED_REASONS)[number];

/** Why a refresh token was refused, where the client can act on the difference. */
export const REFRESH_TOKEN_REASONS = [
  /** The request carried more than one refresh cookie (cookie tossing); none was used and all were cleared. */
  "AMBIGUOUS_COOKIE",
  /**
   * Nothing was presented: no argument, no refresh cookie (and for logout, no bearer token). Not a
   * revoked session: in a browser it usually means the cookie was never stored (a cross-site page).
   */
  "REFRESH_TOKEN_MISSING",
] as const;
export type RefreshTokenReason = (typeof REFRESH_TOKEN_REASONS)[number];

export const FORBIDDEN_REASONS = [
  /** The change would leave no ADMIN account. */
  "LAST_ADMIN",
  /** An admin cannot disable or delete their own account (another admin can). */
  "SELF_TARGETED",
  /** SIGNUP_MODE=closed: accounts are created by admins only. */
  "SIGNUP_CLOSED",
  /** SIGNUP_MODE=invite: signup needs an inviteToken for this email. */
  "INVITE_REQUIRED",
  /** The account was disabled by an admin (told only to a caller who proved the password or a mailed token). */
  "ACCOUNT_DISABLED",
] as const;
export type ForbiddenReason = (typeof FORBIDDEN_REASONS)[number];

/** Why a signing-key operation (rotate, revoke) was refused (BAD_USER_INPUT). */
export const SIGNING_KEY_REASONS = [
  /** The NEXT key has not been published for JWKS_MAX_AGE yet; `retryAfter` says when it will have been. */
  "ROTATION_TOO_EARLY",
  /** Keys come from JWT_SECRET or JWT_PRIVATE_KEY_FILE: rotate them where they are kept. */
  "KEYS_NOT_MANAGED",
  /** No signing key has this kid. */
  "UNKNOWN_KEY",
] as const;
export type SigningKeyReason = (typeof SIGNING_KEY_REASONS)[number];

/** Why a mailed token was refused (INVALID_TOKEN). */
export const INVALID_TOKEN_REASONS = [
  /** No token of this purpose has this value (mistyped, truncated, or meant for another flow). */
  "UNKNOWN",
  /** Already used: each token works once. */
  "USED",
  /** A newer token of the same purpose was sent (or the address it was sent to changed): use the latest mail. */
  "SUPERSEDED",
  "EXPIRED",
] as const;
export type InvalidTokenReason = (typeof INVALID_TOKEN_REASONS)[number];

export const SERVICE_UNAVAILABLE_REASONS = [
  /** Production without SMTP_URL: flows that send mail are off, for every caller alike. */
  "MAIL_NOT_CONFIGURED",
] as const;
export type ServiceUnavailableReason = (typeof SERVICE_UNAVAILABLE_REASONS)[number];

/** `extensions.reason`: a closed set, like the codes. */
export type AuthErrorReason =
  | UnauthenticatedReason
  | RefreshTokenReason
  | ForbiddenReason
  | SigningKeyReason
  | InvalidTokenReason
  | ServiceUnavailableReason;

export function isUnauthenticatedReason(reason: unknown): reason is UnauthenticatedReason {
  return UNAUTHENTICATED_REASONS.some((r) => r === reason);
}

export interface AuthErrorDetails {
  reason?: AuthErrorReason;
  field?: string;
  /** Seconds until a rate-limited caller may try again. */
  retryAfter?: number;
}

export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  readonly reason?: AuthErrorReason;
  readonly field?: string;
  readonly retryAfter?: number;

  constructor(code: AuthErrorCode, message: string, details: AuthErrorDetails = {}) {
    super(message);
    this.code = code;
    if (details.reason) this.reason = details.reason;
    if (details.field) this.field = details.field;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
  }
}

const UNAUTHENTICATED_MESSAGES: Record<UnauthenticatedReason, string> = {
  TOKEN_MISSING: "Authentication required: send an access token as 'Authorization: Bearer <token>'.",
  TOKEN_INVALID: "The access token is invalid.",
  TOKEN_EXPIRED: "The access token has expired; use refreshToken to get a new one.",
  SESSION_REVOKED: "The session of this access token has ended; sign in again.",
};

export function unauthenticated(reason: UnauthenticatedReason): AuthError {
  return new AuthError("UNAUTHENTICATED", UNAUTHENTICATED_MESSAGES[reason], { reason });
}

export function badInput(field: string, message: string): AuthError {
  return new AuthError("BAD_USER_INPUT", message, { field });
}

/** Refusing a role change that would leave the server without any ADMIN (nobody could undo it). */
export function lastAdmin(): AuthError {
  return new AuthError("FORBIDDEN", "This is the last enabled ADMIN account; promote another account first.", { reason: "LAST_ADMIN" });
}

/** Refuses to pick one of several refresh cookies: which is ours and which was tossed in is unknowable. */
export function ambiguousRefreshCookie(): AuthError {
  return new AuthError(
    "INVALID_REFRESH_TOKEN",
    "The request carried more than one refresh-token cookie, so none was used and all were cleared; sign in again.",
    { reason: "AMBIGUOUS_COOKIE" },
  );
}

export function refreshTokenMissing(): AuthError {
  return new AuthError(
    "INVALID_REFRESH_TOKEN",
    "No refresh token was sent: pass refreshToken, or send the refresh cookie (is the page on the same site as this server?).",
    { reason: "REFRESH_TOKEN_MISSING" },
  );
}

const SIGNING_KEY_MESSAGES: Record<SigningKeyReason, string> = {
  ROTATION_TOO_EARLY: "The next signing key has not been published long enough for every verifier to know it; try again later.",
  KEYS_NOT_MANAGED: "Signing keys come from JWT_SECRET or JWT_PRIVATE_KEY_FILE on this server; rotate them where they are kept.",
  UNKNOWN_KEY: "No signing key has this kid.",
};

export function signingKeyRefused(reason: SigningKeyReason, retryAfter?: number): AuthError {
  return new AuthError("BAD_USER_INPUT", SIGNING_KEY_MESSAGES[reason], { reason, ...(retryAfter !== undefined ? { retryAfter } : {}) });
}

const INVALID_TOKEN_MESSAGES: Record<InvalidTokenReason, string> = {
  UNKNOWN: "This link is not valid; request a new one.",
  USED: "This link has already been used; request a new one if you still need it.",
  SUPERSEDED: "A newer link has been sent; use the most recent email.",
  EXPIRED: "This link has expired; request a new one.",
};

export function invalidToken(reason: InvalidTokenReason): AuthError {
  return new AuthError("INVALID_TOKEN", INVALID_TOKEN_MESSAGES[reason], { reason });
}

const FORBIDDEN_MESSAGES: Record<Exclude<ForbiddenReason, "LAST_ADMIN">, string> = {
  SELF_TARGETED: "Admins cannot disable or delete their own account; ask another admin.",
  SIGNUP_CLOSED: "Signups are closed on this server; ask an administrator for an account.",
  INVITE_REQUIRED: "Signups on this server need an invitation; use the link from your invitation email.",
  ACCOUNT_DISABLED: "This account has been disabled; contact an administrator.",
};

export function forbidden(reason: Exclude<ForbiddenReason, "LAST_ADMIN">): AuthError {
  return new AuthError("FORBIDDEN", FORBIDDEN_MESSAGES[reason], { reason });
}

export function mailNotConfigured(): AuthError {
  return new AuthError("SERVICE_UNAVAILABLE", "This server cannot send email (SMTP_URL is not configured), so this is unavailable.", {
    reason: "MAIL_NOT_CONFIGURED",
  });
}

export function serviceUnavailable(): AuthError {
  return new AuthError("SERVICE_UNAVAILABLE", "The service is temporarily unavailable; try again shortly.");
}

export function isAuthError(error: unknown): error is AuthError {
  return error instanceof AuthError;
}
