import type { DirectlyRotated, DirectRotation } from "../auth/ports";
import { Prisma } from "./generated/prisma/client";
import { AUDIT_COLUMNS, ownedAuditValues } from "./audit-rows";
import type { HotSql } from "./hot-sql";
import { REFRESH_TOKEN_COLUMNS, toRefreshTokenRecord, type RefreshTokenRow } from "./session-rows";
import { toUserRecord, USER_COLUMNS, type UserRow } from "./user-rows";

/**
 * SessionStore.rotateByHash: a refresh that needs no read before it, in one round trip. The
 * rotation statement of optimistic-rotation.ts checks a decision made on an earlier read; this
 * one makes the only decision it can make alone (a first exchange of a live token) from the rows
 * themselves, and anything else is left to that read-and-decide path.
 */
export async function rotateByHash(hot: HotSql, r: DirectRotation): Promise<DirectlyRotated | null> {
  const [row] = await hot.rows<{ child: RefreshTokenRow; user: UserRow }>(directRotation(r));
  if (!row) return null;
  const { rotatedAt: _r, revokedAt: _v, ...child } = toRefreshTokenRecord(row.child);
  return { child, user: toUserRecord(row.user) };
}

/**
 * The statement of rotateByHash (exported for the scale bench's EXPLAIN).
 *
 * `s` finds the token by its hash and holds every condition of a first exchange (refresh-service's
 * plan() and isSessionLive) in one WHERE, then locks the session row, the order revocation and
 * the other rotations lock in. A session row changed while `s` waited for its lock is re-checked
 * in its newest version (READ COMMITTED's re-evaluation of locked rows): a revocation or a
 * password change that committed meanwhile empties `s`. `t` then locks the token row by its
 * primary key and re-checks that it is still unrotated and unrevoked in its newest version, so of
 * two exchanges of one token racing here one empties `t` and writes nothing; its caller reads
 * again, finds the token rotated and decides a sibling (or reuse). The user row is read from the
 * statement's snapshot, as every rotation reads it: disabling a user or changing a password
 * revokes or re-keys the session row, which `s` does see. Every write hangs off `t`, so all four
 * happen (the audit event included) or none.
 */
export function directRotation(r: DirectRotation): Prisma.Sql {
  const { child } = r;
  return Prisma.sql`
    WITH s AS (
      SELECT s.id, s.user_id, s.absolute_expires_at, p.id AS token_id
        FROM refresh_tokens p JOIN sessions s ON s.id = p.session_id JOIN users u ON u.id = s.user_id
       WHERE p.token_hash = ${r.tokenHash}::text AND p.rotated_at IS NULL AND p.revoked_at IS NULL
         AND p.expires_at > ${r.at}::timestamptz
         AND s.revoked_at IS NULL AND s.expires_at > ${r.at}::timestamptz AND s.absolute_expires_at > ${r.at}::timestamptz
         AND u.disabled_at IS NULL AND u.credential_version = s.credential_version
         FOR UPDATE OF s
    ), t AS (
      SELECT id, session_id FROM refresh_tokens
       WHERE id = (SELECT token_id FROM s) AND rotated_at IS NULL AND revoked_at IS NULL
         FOR UPDATE
    ), marked AS (
      UPDATE refresh_tokens SET rotated_at = ${r.at}::timestamptz WHERE id = (SELECT id FROM t)
    ), touched AS (
      UPDATE sessions SET last_used_at = ${r.at}::timestamptz,
             expires_at = LEAST(${child.idleExpiresAt}::timestamptz, s.absolute_expires_at)
        FROM s WHERE sessions.id = s.id AND sessions.id = (SELECT session_id FROM t)
      RETURNING sessions.id, sessions.user_id, sessions.expires_at
    ), audited AS (
      INSERT INTO audit_events ${AUDIT_COLUMNS} SELECT ${ownedAuditValues(r.audit, Prisma.sql`touched.user_id, touched.id`)} FROM touched
    ), c AS (
      INSERT INTO refresh_tokens (id, token_hash, session_id, parent_id, created_at, expires_at)
      SELECT ${child.id}::uuid, ${child.tokenHash}::text, touched.id, (SELECT id FROM t), ${r.at}::timestamptz, touched.expires_at
        FROM touched
      RETURNING ${REFRESH_TOKEN_COLUMNS}
    )
    SELECT row_to_json(c) AS child, row_to_json(u) AS "user"
      FROM c JOIN LATERAL (SELECT ${USER_COLUMNS} FROM users WHERE id = (SELECT user_id FROM touched)) u ON true`;
}
