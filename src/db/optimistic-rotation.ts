import type { LockedRefreshToken, RotationWrite } from "../auth/ports";
import { Prisma } from "./generated/prisma/client";
import { AUDIT_COLUMNS, auditValues } from "./audit-rows";
import type { HotSql } from "./hot-sql";
import {
  REFRESH_TOKEN_COLUMNS,
  SESSION_COLUMNS,
  toRefreshTokenRecord,
  toSessionRecord,
  type RefreshTokenRow,
  type SessionRow,
} from "./session-rows";
import { toUserRecord, USER_COLUMNS, type UserRow } from "./user-rows";

/**
 * SessionStore.findRefreshToken: the token, its session and user in one round trip, no locks.
 * Each table keeps its own column list (the same as the locked read's); row_to_json keeps their
 * like-named columns apart, and both drivers hand json back parsed.
 */
export async function readRefreshToken(hot: HotSql, tokenHash: string): Promise<LockedRefreshToken | null> {
  const [row] = await hot.rows<{ token: RefreshTokenRow; session: SessionRow; user: UserRow }>(refreshTokenRead(tokenHash));
  if (!row) return null;
  return { token: toRefreshTokenRecord(row.token), session: toSessionRecord(row.session), user: toUserRecord(row.user) };
}

/** The statement of readRefreshToken (exported for the scale bench's EXPLAIN). */
export function refreshTokenRead(tokenHash: string): Prisma.Sql {
  return Prisma.sql`
    SELECT row_to_json(t) AS token, row_to_json(s) AS session, row_to_json(u) AS "user"
      FROM (SELECT ${REFRESH_TOKEN_COLUMNS} FROM refresh_tokens WHERE token_hash = ${tokenHash}) t
      JOIN LATERAL (SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = t.session_id::uuid) s ON true
      JOIN LATERAL (SELECT ${USER_COLUMNS} FROM users WHERE id = s.user_id::uuid) u ON true`;
}

/**
 * SessionStore.rotate as one statement, so atomic without a transaction and holding its locks only
 * while it runs. `s` locks the session row first (the order revocation and the locked rotation
 * take), then `t` the token row: `t` waits for `s` through EXISTS (a one-time filter) and finds the
 * token by its primary key, never by scanning a long-lived session's whole chain of tokens. A row
 * changed while the statement waited for its lock is re-checked in its newest version (READ
 * COMMITTED's re-evaluation of locked rows), so a rotation, revocation or password change that
 * committed meanwhile empties `s` or `t` and nothing is written. The user row is read from the statement's snapshot, as the locked path reads it: a
 * password change or disable re-keys or revokes the session row, which `s` does see.
 * Every write hangs off `t`, so either all four happen (the audit event included) or none.
 */
export async function rotateIfUnchanged(hot: HotSql, w: RotationWrite): Promise<boolean> {
  return (await hot.count(rotation(w))) === 1;
}

/** The statement of rotateIfUnchanged (exported for the scale bench's EXPLAIN). */
export function rotation(w: RotationWrite): Prisma.Sql {
  const { token, session, user } = w.read;
  const { child } = w;
  return Prisma.sql`
    WITH s AS (
      SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = ${session.id}::uuid AND s.user_id = ${user.id}::uuid AND s.revoked_at IS NULL
         AND s.credential_version = ${session.credentialVersion}::int
         AND u.credential_version = ${session.credentialVersion}::int AND u.disabled_at IS NULL
         FOR UPDATE OF s
    ), t AS (
      SELECT id, session_id FROM refresh_tokens
       WHERE id = ${token.id}::uuid AND session_id = ${session.id}::uuid AND EXISTS (SELECT 1 FROM s) AND revoked_at IS NULL
         AND (rotated_at IS NULL) = ${w.marksRotation}::boolean
         FOR UPDATE
    ), marked AS (
      UPDATE refresh_tokens SET rotated_at = ${w.at}::timestamptz
       WHERE id = (SELECT id FROM t) AND ${w.marksRotation}::boolean
    ), touched AS (
      UPDATE sessions SET last_used_at = ${w.at}::timestamptz, expires_at = ${child.expiresAt}::timestamptz
       WHERE id = (SELECT session_id FROM t)
      RETURNING id
    ), audited AS (
      INSERT INTO audit_events ${AUDIT_COLUMNS} SELECT ${auditValues(w.audit)} FROM touched
    )
    INSERT INTO refresh_tokens (id, token_hash, session_id, parent_id, created_at, expires_at)
    SELECT ${child.id}::uuid, ${child.tokenHash}::text, touched.id, ${child.parentId}::uuid,
           ${child.createdAt}::timestamptz, ${child.expiresAt}::timestamptz
      FROM touched`;
}
