import { NEW_USER_CREDENTIAL_VERSION, type FirstSession, type NewUser } from "../auth/ports";
import { Prisma } from "./generated/prisma/client";
import { sessionFromUser } from "./session-writes";
import { USER_COLUMNS } from "./user-rows";

/**
 * UserStore.create's statement: the user, and with `first` its first session, token and event in
 * the same statement (a signup signed in with one round trip, atomic without a transaction; the
 * foreign keys are checked at the end of the statement, when the user row exists). Returns the
 * user's row as USER_COLUMNS reads it.
 */
export function userInsert(user: NewUser, first?: FirstSession): Prisma.Sql {
  const verifiedAt = user.emailVerified ? user.createdAt : null;
  const inserted = Prisma.sql`
    INSERT INTO users (id, email, password_hash, role, credential_version, created_at, updated_at, email_verified_at)
    VALUES (${user.id}::uuid, ${user.email}::text, ${user.passwordHash}::text, ${user.role}::"Role", ${NEW_USER_CREDENTIAL_VERSION}::int,
            ${user.createdAt}::timestamptz, ${user.createdAt}::timestamptz, ${verifiedAt}::timestamptz)
    RETURNING ${USER_COLUMNS}`;
  if (!first) return inserted;
  return Prisma.sql`
    WITH u AS (${inserted}), ${sessionFromUser(first.session, first.token, first.audit)}
    SELECT * FROM u`;
}
