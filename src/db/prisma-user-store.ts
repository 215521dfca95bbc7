import { AuthError } from "../auth/errors";
import type { FirstSession, NewUser, PasswordChange, PasswordChangeResult, UserStore } from "../auth/ports";
import type { Role, UserRecord, UserWithPassword } from "../auth/types";
import { Prisma, type PrismaClient } from "./generated/prisma/client";
import type { HotSql } from "./hot-sql";
import { changePasswordInTransaction } from "./password-change";
import { isUniqueViolation } from "./prisma-errors";
import { setRoleKeepingAnAdmin } from "./role-change";
import { fromUserPublic, USER_PUBLIC } from "./selections";
import {
  USER_COLUMNS,
  USER_WITH_PASSWORD_COLUMNS,
  toUserRecord,
  toUserWithPassword,
  type UserRow,
  type UserWithPasswordRow,
} from "./user-rows";
import { isUuid } from "../auth";
import { TX_OPTIONS } from "./transaction-options";
import { deleteUserInTransaction } from "./user-deletion";
import { setDisabledInTransaction } from "./user-disable";
import { userInsert } from "./user-insert";

const EMAIL_CONSTRAINT = "users_email_key";
export class PrismaUserStore implements UserStore {
  /** `hot` runs signup's insert and login's lookup; the rest goes through Prisma. */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hot: HotSql,
  ) {}

  async create(user: NewUser, first?: FirstSession): Promise<UserRecord> {
    try {
      const [row] = await this.hot.rows<UserRow>(userInsert(user, first));
      if (!row) throw new Error("INSERT … RETURNING returned no row");
      return toUserRecord(row);
    } catch (error) {
      throw asEmailTaken(error);
    }
  }

  /** On the driver (hot-sql.ts): every login starts here. */
  async findByEmail(email: string): Promise<UserWithPassword | null> {
    const [row] = await this.hot.rows<UserWithPasswordRow>(Prisma.sql`
      SELECT ${USER_WITH_PASSWORD_COLUMNS} FROM users WHERE email = ${email}::text`);
    return row ? toUserWithPassword(row) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.prisma.$queryRaw<UserRow[]>`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}::uuid`;
    return row ? toUserRecord(row) : null;
  }

  /** Keyset pagination on (createdAt, id): stable under inserts, unlike OFFSET. */
  async list(page: { first: number; after?: string | null }): Promise<UserRecord[]> {
    // Prisma reads a negative `take` as "backwards"; a non-positive page size is simply empty.
    if (page.first <= 0) return [];
    const order = [{ createdAt: "asc" as const }, { id: "asc" as const }];
    if (page.after == null) {
      return (await this.prisma.user.findMany({ select: USER_PUBLIC, orderBy: order, take: page.first })).map(fromUserPublic);
    }
    const cursor = isUuid(page.after)
      ? await this.prisma.user.findUnique({ where: { id: page.after }, select: { id: true, createdAt: true } })
      : null;
    if (!cursor) return [];
    const rows = await this.prisma.user.findMany({
      where: {
        OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }],
      },
      select: USER_PUBLIC,
      orderBy: order,
      take: page.first,
    });
    return rows.map(fromUserPublic);
  }

  async setRole(id: string, role: Role, at: Date): Promise<UserRecord | null> {
    if (!isUuid(id)) return null;
    return this.prisma.$transaction((tx) => setRoleKeepingAnAdmin(tx, id, role, at), TX_OPTIONS);
  }

  async rehashPassword(id: string, passwordHash: string, at: Date, expectedVersion: number): Promise<boolean> {
    if (!isUuid(id)) return false;
    const updated = await this.prisma.$executeRaw`
      UPDATE users SET password_hash = ${passwordHash}, updated_at = ${at}::timestamptz
       WHERE id = ${id}::uuid AND credential_version = ${expectedVersion}::int`;
    return updated === 1;
  }

  async changePassword(change: PasswordChange): Promise<PasswordChangeResult> {
    if (!isUuid(change.userId) || !isUuid(change.keep.sessionId)) return { outcome: "session_ended" };
    return changePasswordInTransaction(this.prisma, change);
  }

  async setDisabled(id: string, disabled: boolean, at: Date): Promise<{ user: UserRecord; endedSessions: number } | null> {
    if (!isUuid(id)) return null;
    return setDisabledInTransaction(this.prisma, id, disabled, at);
  }

  /** `_at`: deletion leaves no row to stamp; the caller's audit event carries the instant. */
  async delete(id: string, _at: Date, expectedVersion?: number): Promise<"deleted" | "not_found" | "version_moved"> {
    if (!isUuid(id)) return "not_found";
    return deleteUserInTransaction(this.prisma, id, expectedVersion);
  }
}

/**
 * The unique index, not a prior lookup, decides: two concurrent writers of one address cannot
 * both win. Other errors pass through unchanged.
 */
export function asEmailTaken(error: unknown): unknown {
  if (isUniqueViolation(error, EMAIL_CONSTRAINT, "email")) {
    return new AuthError("EMAIL_TAKEN", "An account with this email already exists.", { field: "email" });
  }
  return error;
}
