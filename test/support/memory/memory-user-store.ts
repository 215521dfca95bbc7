import {
  AuthError,
  lastAdmin,
  type NewUser,
  type PasswordChange,
  type PasswordChangeResult,
  type Role,
  type UserRecord,
  type UserStore,
  type UserWithPassword,
} from "../../../src/auth";
import type { MemorySessionStore } from "./memory-session-store";

type UserRow = UserWithPassword & { updatedAt: Date };

export class MemoryUserStore implements UserStore {
  readonly rows = new Map<string, UserRow>();
  /** Set by memoryStores(): a password change also writes sessions, in one step. */
  sessions: MemorySessionStore | null = null;

  async create(user: NewUser): Promise<UserRecord> {
    if (this.rows.has(user.id)) throw new Error(`duplicate user id ${user.id}`);
    if ([...this.rows.values()].some((u) => u.email === user.email)) {
      throw new AuthError("EMAIL_TAKEN", "An account with this email already exists.", { field: "email" });
    }
    const row = { ...user, credentialVersion: 0, updatedAt: user.createdAt };
    this.rows.set(user.id, row);
    return publicUser(row);
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
    const admins = [...this.rows.values()].filter((u) => u.role === "ADMIN");
    if (role !== "ADMIN" && admins.length === 1 && admins[0]?.id === id) throw lastAdmin();
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
    if (!this.sessions) throw new Error("MemoryUserStore.sessions is not set; build the stores with memoryStores()");
    const credentialVersion = row.credentialVersion + 1;
    const endedSessions = this.sessions.rekeyForPasswordChange(change, row, credentialVersion);
    if (endedSessions === null) return { outcome: "session_ended" };
    Object.assign(row, { passwordHash: change.passwordHash, credentialVersion, updatedAt: change.at });
    return { outcome: "changed", credentialVersion, endedSessions };
  }
}

export function publicUser(u: UserRecord): UserRecord {
  return { id: u.id, email: u.email, role: u.role, credentialVersion: u.credentialVersion, createdAt: u.createdAt };
}
