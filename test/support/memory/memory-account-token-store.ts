import type { MemoryMailQueue } from "./memory-mail-queue";
import {
  tokenRefusal,
  type AccountTokenPurpose,
  type AccountTokenRecord,
  type AccountTokenStore,
  type NewAccountToken,
  type Redemption,
  type TokenEffect,
} from "../../../src/auth/account-token-records";
import type { OutgoingMail } from "../../../src/auth/mail";
import { emailTaken, publicUser, type MemoryUserStore } from "./memory-user-store";
import type { MemorySessionStore } from "./memory-session-store";

export interface MemoryOutboxMail {
  id: string;
  mail: OutgoingMail;
  createdAt: Date;
}

type Owner = NonNullable<ReturnType<MemoryUserStore["rows"]["get"]>>;
type Applied = Extract<Redemption, { ok: true }>;

/**
 * AccountTokenStore over the memory user store's rows. Each method checks every constraint before
 * its first write and never awaits in between, so it applies whole or not at all, atomically.
 */
export class MemoryAccountTokenStore implements AccountTokenStore {
  readonly tokens = new Map<string, AccountTokenRecord>();
  /** The mail_outbox table: what issue() queued, oldest first. */
  readonly outbox: MemoryOutboxMail[] = [];

  constructor(
    private readonly users: MemoryUserStore,
    private readonly sessions: MemorySessionStore,
    /** The outbox notices go to as well, when the harness has one: then every mail lands in one queue. */
    private readonly mailQueue: MemoryMailQueue | null = null,
  ) {
    users.dependents.push(this);
  }

  async issue(token: NewAccountToken, mail: { id: string; mail: OutgoingMail }): Promise<void> {
    this.assertInsertable(token, mail);
    for (const t of this.tokens.values()) {
      const sameOwner = token.userId === null ? t.userId === null && t.email === token.email : t.userId === token.userId;
      if (sameOwner && t.purpose === token.purpose && live(t)) t.supersededAt = token.createdAt;
    }
    this.tokens.set(token.id, { ...token, usedAt: null, supersededAt: null });
    this.outbox.push({ id: mail.id, mail: { ...mail.mail, facts: { ...mail.mail.facts } }, createdAt: token.createdAt });
    // Synchronous in effect (no await before the push), so issue stays all-or-nothing.
    void this.mailQueue?.enqueue(mail.mail, mail.id, token.createdAt);
  }

  /** The checks issue() makes, then nothing: a rolled-back issue leaves no trace. */
  async rehearse(token: NewAccountToken, mail: { id: string; mail: OutgoingMail }): Promise<void> {
    this.assertInsertable(token, mail);
  }

  async find(tokenHash: string): Promise<AccountTokenRecord | null> {
    const token = this.byHash(tokenHash);
    return token ? { ...token } : null;
  }

  async redeem(tokenHash: string, effect: TokenEffect, at: Date): Promise<Redemption> {
    const token = this.byHash(tokenHash);
    const owner = token?.userId ? this.users.rows.get(token.userId) : undefined;
    const reason = tokenRefusal(token ?? null, owner ?? null, effect.kind, at);
    if (reason || !token) return { ok: false, reason: reason ?? "UNKNOWN" };
    const applied = this.apply(token, owner, effect, at);
    token.usedAt = at;
    return applied;
  }

  async supersedeForUser(userId: string, purposes: readonly AccountTokenPurpose[], at: Date): Promise<void> {
    for (const t of this.tokens.values()) if (t.userId === userId && purposes.includes(t.purpose) && live(t)) t.supersededAt = at;
  }

  /** The foreign-key cascade of a user's deletion. */
  /** Called while the user's row still exists: its address is how its mail is found. */
  deleteAllOf(userId: string): void {
    const email = this.users.rows.get(userId)?.email;
    const changes = [...this.tokens.values()].filter((t) => t.userId === userId && t.purpose === "email_change").map((t) => t.email);
    for (const t of [...this.tokens.values()]) if (t.userId === userId) this.tokens.delete(t.id);
    const gone = new Set([email, ...changes]);
    const keep = <T>(list: T[], to: (item: T) => string) => list.splice(0, list.length, ...list.filter((item) => !gone.has(to(item))));
    keep(this.outbox, (m) => m.mail.to);
    if (this.mailQueue) keep(this.mailQueue.rows, (m) => m.to);
  }

  private apply(token: AccountTokenRecord, owner: Owner | undefined, effect: TokenEffect, at: Date): Applied {
    if (effect.kind === "accept_invite") {
      if (!token.role) throw new Error("an invite without a role");
      const user = this.users.insert({ ...effect.user, email: token.email, role: token.role, emailVerified: true });
      return { ok: true, user, endedSessions: 0, previousEmail: user.email };
    }
    if (!owner) throw new Error(`account token ${token.id} has no owner`);
    const previousEmail = owner.email;
    if (effect.kind === "change_email") {
      if (this.users.emailTaken(token.email, owner.id)) throw emailTaken();
      Object.assign(owner, { email: token.email, emailVerified: true, updatedAt: at });
      this.supersedeOthers(token, null, at);
      return { ok: true, user: publicUser(owner), endedSessions: 0, previousEmail };
    }
    if (effect.kind === "verify_email") {
      Object.assign(owner, { emailVerified: true, updatedAt: at });
      return { ok: true, user: publicUser(owner), endedSessions: 0, previousEmail };
    }
    const credentialVersion = owner.credentialVersion + 1;
    Object.assign(owner, { passwordHash: effect.passwordHash, credentialVersion, emailVerified: true, updatedAt: at });
    this.supersedeOthers(token, null, at);
    const endedSessions = this.sessions.revokeAllNow(owner.id, at, "password_reset");
    return { ok: true, user: publicUser(owner), endedSessions, previousEmail };
  }

  private supersedeOthers(token: AccountTokenRecord, purpose: AccountTokenPurpose | null, at: Date): void {
    for (const t of this.tokens.values()) {
      if (t.userId === token.userId && t.id !== token.id && (purpose === null || t.purpose === purpose) && live(t)) t.supersededAt = at;
    }
  }

  /** The constraints the account_tokens and mail_outbox tables enforce. */
  private assertInsertable(token: NewAccountToken, mail: { id: string }): void {
    if (this.tokens.has(token.id) || this.byHash(token.tokenHash)) throw new Error("duplicate account token");
    if (this.outbox.some((m) => m.id === mail.id)) throw new Error("duplicate outbox mail id");
    if ((token.purpose === "invite") !== (token.userId === null)) throw new Error("account_tokens_owner_check");
    if ((token.purpose === "invite") !== (token.role !== null)) throw new Error("account_tokens_invite_role_check");
    if (token.userId !== null && !this.users.rows.has(token.userId)) throw new Error("account_tokens_user_id_fkey");
  }

  private byHash(tokenHash: string): AccountTokenRecord | undefined {
    return [...this.tokens.values()].find((t) => t.tokenHash === tokenHash);
  }
}

function live(t: AccountTokenRecord): boolean {
  return t.usedAt === null && t.supersededAt === null;
}

