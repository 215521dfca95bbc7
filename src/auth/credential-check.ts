import { assertCheckablePassword } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError, unauthenticated } from "./errors";
import type { AuditDetail, ClientInfo, UserWithPassword, Viewer } from "./types";

export type PasswordCheck =
  | { ok: true; user: UserWithPassword }
  | { ok: false; user: UserWithPassword | null };

/**
 * Verifies `password` for the account with this (normalized) email. An unknown email pays for
 * one argon2 verify too (against a dummy hash), so neither the answer nor its timing tells
 * whether the account exists.
 */
export async function checkPassword(deps: Pick<AuthDeps, "users" | "hasher">, email: string, password: string): Promise<PasswordCheck> {
  const user = await deps.users.findByEmail(email);
  if (!user) {
    await deps.hasher.verifyDummy(password);
    return { ok: false, user: null };
  }
  return (await deps.hasher.verify(user.passwordHash, password)) ? { ok: true, user } : { ok: false, user };
}

/** What the password is being checked for: it names the failure in the log and the audit trail. */
export type CredentialPurpose = "login" | "change_password" | "change_email" | "delete_account";

export interface CredentialRequest {
  purpose: CredentialPurpose;
  /** Normalized email: the login's, or the viewer's own for re-authentication. */
  email: string;
  password: string;
  /** The form field the password came in (BAD_USER_INPUT names it). */
  field: string;
  client: ClientInfo;
  /** Re-authentication of a signed-in user: the account must still be theirs. */
  viewer?: Viewer;
}

const INVALID_CREDENTIALS_MESSAGE = "Invalid email or password.";
const WRONG_CURRENT_PASSWORD = "The current password is incorrect.";

type CheckDeps = Pick<AuthDeps, "users" | "hasher" | "guard" | "logger" | "auditor">;

/**
 * The one credential check: login, changePassword, requestEmailChange and deleteAccount all go
 * through it, so every wrong password spends the same failure budgets (reserved before argon2
 * runs; see AttemptGuard.checkCredential) and leaves the same audit trail. A stolen access token
 * therefore cannot be used to guess the password through a re-authenticating mutation instead of
 * login. Returns the verified account; throws INVALID_CREDENTIALS (one answer for unknown email
 * and wrong password).
 */
export async function verifyCredentials(deps: CheckDeps, request: CredentialRequest): Promise<UserWithPassword> {
  const { email, password, client, viewer, purpose } = request;
  assertCheckablePassword(password, request.field);
  const check = await deps.guard.checkCredential(email, client, viewer?.user.id ?? null, () => checkPassword(deps, email, password));
  // The viewer's account is gone or is no longer at this address: its session cannot speak for it.
  if (viewer && check.user?.id !== viewer.user.id) throw unauthenticated("SESSION_REVOKED");
  if (check.ok) return check.user;
  const sessionId = viewer?.sessionId ?? null;
  // Login failures keep their historical detail; re-authentications say what they were for.
  const what: AuditDetail = purpose === "login" ? {} : { purpose };
  if (check.user) {
    const reason = viewer ? "wrong_current_password" : "wrong_password";
    deps.logger.info({ event: `${purpose}_failed`, cause: reason, userId: check.user.id }, "password check failed");
    await deps.auditor.record("login_failed", client, { userId: check.user.id, sessionId, detail: { reason, ...what } });
  } else {
    deps.logger.info({ event: `${purpose}_failed`, cause: "unknown_email" }, "password check failed");
    await deps.auditor.record("login_failed", client, { detail: { reason: "unknown_email", email, ...what } });
  }
  throw new AuthError("INVALID_CREDENTIALS", viewer ? WRONG_CURRENT_PASSWORD : INVALID_CREDENTIALS_MESSAGE);
}

/** The password verified for this request was changed by another one before this one could act. */
export function passwordChangedMeanwhile(): AuthError {
  return new AuthError("INVALID_CREDENTIALS", "The password was changed by another request meanwhile; use the new password.");
}

export function invalidCredentials(): AuthError {
  return new AuthError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
}
