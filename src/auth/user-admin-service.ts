import type { AccountService } from "./account-service";
import { ACCOUNT_TOKEN_PURPOSES } from "./account-token-records";
import { normalizeEmail } from "./credentials";
import type { AuthDeps } from "./deps";
import { AuthError, badInput, forbidden } from "./errors";
import { isUuid } from "./ids";
import type { MailedTokens } from "./mailed-tokens";
import type { Actor, AuditEvent, AuditEventType, Role, UserRecord } from "./types";

type AdminDeps = Pick<AuthDeps, "users" | "sessions" | "accountTokens" | "notify" | "clock" | "logger" | "auditor" | "audit" | "guard">;

export const MAX_PAGE_SIZE = 100;

/**
 * User management for ADMINs (GraphQL) and operators (the CLI, actor.userId null). Every change is
 * audited with the actor, and tells every instance at once (security events), so a disabled
 * user's access tokens stop working within a second everywhere.
 */
export class UserAdminService {
  constructor(
    private readonly deps: AdminDeps,
    private readonly accounts: AccountService,
    private readonly tokens: MailedTokens,
  ) {}

  async list(first: number, after: string | null | undefined): Promise<UserRecord[]> {
    assertPageSize(first);
    if (after != null && !isUuid(after)) throw badInput("after", "after must be a user id.");
    return this.deps.users.list({ first, after: after ?? null });
  }

  /** By id, or by email (normalized): the CLI's `--user`. */
  async findUser(idOrEmail: string): Promise<UserRecord | null> {
    if (isUuid(idOrEmail)) return this.deps.users.findById(idOrEmail);
    const user = await this.deps.users.findByEmail(normalizeEmail(idOrEmail));
    if (!user) return null;
    const { passwordHash: _secret, ...record } = user;
    return record;
  }

  /** An account whose address the admin vouches for (verified), under the password policy. */
  async createUser(actor: Actor, input: { email: string; password: string; role: Role }): Promise<UserRecord> {
    const user = await this.accounts.createAccount(input, input.role, true);
    this.deps.logger.info({ event: "user_created", actorId: actor.userId, userId: user.id, role: user.role }, "user created by an admin");
    await this.deps.auditor.record("user_created", actor.client, { userId: user.id, detail: { role: user.role, actorId: actor.userId } });
    return user;
  }

  async setRole(actor: Actor, userId: string, role: Role): Promise<UserRecord> {
    assertUserId(userId);
    const updated = await this.deps.users.setRole(userId, role, this.deps.clock.now());
    if (!updated) throw noSuchUser();
    // Authorization reads the current role; drop cached state so every instance applies it now.
    this.deps.notify.roleChanged(userId);
    this.deps.logger.info({ event: "role_changed", actorId: actor.userId, userId, role }, "role changed");
    await this.deps.auditor.record("role_changed", actor.client, { userId, detail: { role, actorId: actor.userId } });
    return updated;
  }

  /** Ends every session at once; sign-in, refresh and existing access tokens are refused until enabled. */
  async disable(actor: Actor, userId: string): Promise<UserRecord> {
    assertUserId(userId);
    assertNotSelf(actor, userId);
    const now = this.deps.clock.now();
    const result = await this.deps.users.setDisabled(userId, true, now);
    if (!result) throw noSuchUser();
    // No link mailed before may act on the account once enabled again: they were the old owner's.
    await this.deps.accountTokens.supersedeForUser(userId, ACCOUNT_TOKEN_PURPOSES, now);
    // Published even when no session was live: every instance must re-read the user now.
    this.deps.notify.sessionRevoked(userId, null);
    this.deps.logger.info({ event: "user_disabled", actorId: actor.userId, userId, endedSessions: result.endedSessions }, "user disabled");
    await this.deps.auditor.record("user_disabled", actor.client, { userId, detail: { actorId: actor.userId, endedSessions: result.endedSessions } });
    return result.user;
  }

  /** Sessions ended by the disable stay ended: the user signs in again. */
  async enable(actor: Actor, userId: string): Promise<UserRecord> {
    assertUserId(userId);
    const result = await this.deps.users.setDisabled(userId, false, this.deps.clock.now());
    if (!result) throw noSuchUser();
    this.deps.notify.accountChanged(userId);
    this.deps.logger.info({ event: "user_enabled", actorId: actor.userId, userId }, "user enabled");
    await this.deps.auditor.record("user_enabled", actor.client, { userId, detail: { actorId: actor.userId } });
    return result.user;
  }

  /** How many sessions ended (0 for an unknown user: the id is checked, not revealed). */
  async revokeSessions(actor: Actor, userId: string): Promise<number> {
    assertUserId(userId);
    const count = await this.deps.sessions.revokeAllForUser(userId, this.deps.clock.now(), "revoked_by_admin");
    this.deps.notify.sessionRevoked(userId, null);
    this.deps.logger.info({ event: "user_sessions_revoked", actorId: actor.userId, userId, count }, "user's sessions revoked by an admin");
    await this.deps.auditor.record("user_sessions_revoked", actor.client, { userId, detail: { actorId: actor.userId, count } });
    return count;
  }

  /** False when no such user. The audit trail keeps the user id only (pseudonymous once the row is gone). */
  async deleteUser(actor: Actor, userId: string): Promise<boolean> {
    assertUserId(userId);
    assertNotSelf(actor, userId);
    const outcome = await this.deps.users.delete(userId, this.deps.clock.now());
    if (outcome !== "deleted") return false;
    this.deps.notify.sessionRevoked(userId, null);
    this.deps.logger.info({ event: "user_deleted", actorId: actor.userId, userId }, "user deleted by an admin");
    await this.deps.auditor.record("user_deleted", actor.client, { userId, detail: { actorId: actor.userId } });
    return true;
  }

  /**
   * Mails an invitation to sign up with `role` (superseding earlier invitations to that address).
   * An admin can list users anyway, so an address that has an account is refused (EMAIL_TAKEN).
   */
  async createInvite(actor: Actor, rawEmail: string, role: Role): Promise<boolean> {
    this.tokens.assertMailEnabled();
    const email = normalizeEmail(rawEmail);
    if (await this.deps.users.findByEmail(email)) {
      throw new AuthError("EMAIL_TAKEN", "An account with this email already exists.", { field: "email" });
    }
    await this.deps.guard.beforeMail(email, actor.client, actor.userId);
    await this.tokens.issue("invite", { userId: null, email, role }, { role });
    this.deps.logger.info({ event: "invite_created", actorId: actor.userId, role }, "invitation queued");
    await this.deps.auditor.record("invite_created", actor.client, { detail: { email, role, actorId: actor.userId } });
    return true;
  }

  /** Newest first. */
  async auditEvents(page: { first: number; after?: string | null; userId?: string | null; type?: AuditEventType | null }): Promise<AuditEvent[]> {
    assertPageSize(page.first);
    if (page.after != null && !isUuid(page.after)) throw badInput("after", "after must be an audit event id.");
    if (page.userId != null && !isUuid(page.userId)) throw badInput("userId", "userId must be a user id.");
    return this.deps.audit.list(page);
  }
}

function assertUserId(userId: string): void {
  if (!isUuid(userId)) throw badInput("userId", "userId must be a user id.");
}

/** An admin locking themselves out is almost always a mistake another admin should make deliberately. */
function assertNotSelf(actor: Actor, userId: string): void {
  if (actor.userId === userId) throw forbidden("SELF_TARGETED");
}

function noSuchUser(): AuthError {
  return badInput("userId", "No user has this id.");
}

function assertPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput("first", `first must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
}
