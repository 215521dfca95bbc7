import type { SessionRecord, UserRecord } from "./types";

/**
 * The one definition of a live session, used by the access-token check, refresh and the
 * session list (the stores' SQL for listActive mirrors it). A session stamped with an older
 * credentialVersion than its user's died with the password it was opened under; a disabled
 * user's sessions are dead for as long as the account is disabled.
 */
export function isSessionLive(session: SessionRecord, user: UserRecord, now: Date): boolean {
  return (
    session.revokedAt === null &&
    session.expiresAt > now &&
    session.absoluteExpiresAt > now &&
    session.userId === user.id &&
    !user.disabled &&
    session.credentialVersion === user.credentialVersion
  );
}
