import {
  AuthError,
  lastAdmin,
  type FirstSession,
  NEW_USER_CREDENTIAL_VERSION,
  type NewUser,
  type PasswordChange,
  type PasswordChangeResult,
  type Role,
  type UserRecord,
  type UserStore,
  type UserWithPassword,
} from "../../../src/auth";
import type { MemoryAuditLog } from "./memory-audit-log";
import type { MemorySessionStore } from "./memory-session-store";

type UserRow = UserWithPassword & { updatedAt: Date };

/** Rows that a user's deletion cascades to (the database's foreign keys). */
export interface UserDependents {
  deleteAllOf(userId: string): void;
}

/**
 * Every method reads and writes without an await in between, so each runs atomically (the
 * database's transactions and row locks, in a single-threaded model).
 */
export class MemoryUserStore implements UserStore {
  readonly rows = new Map<string, UserRow>();
  /** Set by memoryStores(): a password change also writes sessions, in one step. */
  sessions: MemorySessionStore | null = null;
  /** Set by memoryStores(): deleting a user scrubs its audit events. */
  audit: MemoryAuditLog | null = null;
  /** Set by memoryStores(): deleting a user deletes these rows too (sessions, account tokens). */
  readonly dependents: UserDependents[] = [];

  /** With `first`, the session goes in the same step; a refusal or throw there leaves no user behind. */
  async create(user: NewUser, first?: FirstSession): Promise<UserRecord> {
    const created = this.insert(user);
    if (!first) return created;
    if (!this.sessions) throw new Error("MemoryUserStore.sessions is unset: build the stores with memoryStores()");
    try {
      // Stamped with the new user's version, as the database stamps it.
      const session = { ...first.session, credentialVersion: created.credentialVersion };
      if (!this.sessions.insertFirst(session, first.token, first.audit)) throw new Error("the new user's session was refused");
    } catch (error) {
      this.rows.delete(user.id);
      throw error;
    }
    return created;
  }
  /** UserStore.create without the promise, for stores that create users inside their own step. */
  insert(user: NewUser): UserRecord {
    if (this.rows.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
    if (this.emailTaken(user.email)) throw emailTaken();
    const row = { ...user, credentialVersion: NEW_USER_CREDENTIAL_VERSION, disabled: false, updatedAt: user.createdAt };
    this.rows.set(user.id, row);
    return publicUser(row);
  }
  /** Whether another account (not `exceptId`) has this address: the unique index on users.email. */
  emailTaken(email: string, exceptId?: string): boolean {
    return [...this.rows.values()].some((u) => u.email === email && u.id !== exceptId);
  }
  async findByEmail(email: string): Promise<UserWithPassword | null> {
    const row = [...this.rows.values()].find((u) => u.email === email);
    return row ? { ...publicUser(row), passwordHash: row.passwordHash } : null;
  }
  async findById(id: string): Promise<UserRecord | null> {
    const row = this.rows.get(id);
    return row ? publicUser(row) : null;
  }
  async list(page: { first: number; after?: string | null }): Promise<UserRecord[]> {
    const sorted = [...this.rows.values()].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );
    let start = 0;
    if (page.after) {
      const index = sorted.findIndex((u) => u.id === page.after);
      if (index < 0) return [];
      start = index + 1;
    }
    return sorted.slice(start, start + page.first).map(publicUser);
  }
  async setRole(id: string, role: Role, at: Date): Promise<UserRecord | null> {
    const row = this.rows.get(id);
    if (!row) return null;
    if (role !== "ADMIN") this.keepAnAdmin(id);
    Object.assign(row, { role, updatedAt: at });
    return publicUser(row);
  }
  async rehashPassword(id: string, passwordHash: string, at: Date, expectedVersion: number): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.credentialVersion !== expectedVersion) return false;
    Object.assign(row, { passwordHash, updatedAt: at });
    return true;
  }
  async changePassword(change: PasswordChange): Promise<PasswordChangeResult> {
    const row = this.rows.get(change.userId);
    if (!row || row.credentialVersion !== change.expectedVersion) return { outcome: "version_moved" };
    const credentialVersion = row.credentialVersion + 1;
    const endedSessions = this.sessionStore().rekeyForPasswordChange(change, row, credentialVersion);
    if (endedSessions === null) return { outcome: "session_ended" };
    Object.assign(row, { passwordHash: change.passwordHash, credentialVersion, updatedAt: change.at });
    return { outcome: "changed", credentialVersion, endedSessions };
  }
  async setDisabled(id: string, disabled: boolean, at: Date): Promise<{ user: UserRecord; endedSessions: number } | null> {
    const row = this.rows.get(id);
    if (!row) return null;
    if (disabled) this.keepAnAdmin(id);
    Object.assign(row, { disabled, updatedAt: at });
    const endedSessions = disabled ? this.sessionStore().revokeAllNow(id, at, "user_disabled") : 0;
    return { user: publicUser(row), endedSessions };
  }
  async delete(id: string, _at: Date, expectedVersion?: number): Promise<"deleted" | "not_found" | "version_moved"> {
    const row = this.rows.get(id);
    if (!row) return "not_found";
    this.keepAnAdmin(id);
    if (expectedVersion !== undefined && row.credentialVersion !== expectedVersion) return "version_moved";
    for (const dependent of this.dependents) dependent.deleteAllOf(id);
    this.rows.delete(id);
    this.audit?.scrubUser(id, row.email);
    return "deleted";
  }

  /** LAST_ADMIN: a disabled ADMIN cannot sign in to undo anything, so only enabled ones count. */
  private keepAnAdmin(id: string): void {
    const admins = [...this.rows.values()].filter((u) => u.role === "ADMIN" && !u.disabled);
    if (admins.length === 1 && admins[0]?.id === id) throw lastAdmin();
  }
  private sessionStore(): MemorySessionStore {
    if (!this.sessions) throw new Error("MemoryUserStore.sessions is not set; build the stores with memoryStores()");
    return this.sessions;
  }
}

export function emailTaken(): AuthError {
  return new AuthError("EMAIL_TAKEN", "An account with this email already exists.", { field: "email" });
}

export function publicUser(u: UserRecord): UserRecord {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    credentialVersion: u.credentialVersion,
    createdAt: u.createdAt,
    emailVerified: u.emailVerified,
    disabled: u.disabled,
  };
}
