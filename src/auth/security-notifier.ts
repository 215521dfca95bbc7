import type { AuthDeps } from "./deps";
import type { SecurityEvent, SecurityEventType, SecurityMessage } from "./security-events";
import type { SessionStateCache } from "./session-state-cache";

type NotifierDeps = Pick<AuthDeps, "cache" | "clock" | "logger" | "bus">;

/**
 * How services say that a committed change affects sessions. Call it only after the store call
 * has committed: a receiver re-reads the store, and must find the change there.
 */
export class SecurityNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  sessionCreated(userId: string, sessionId: string): void {
    this.emit("SESSION_CREATED", userId, sessionId);
  }

  /** `sessionId` null: some sessions of the user ended, which ones is for the receiver to re-read. */
  sessionRevoked(userId: string, sessionId: string | null): void {
    this.emit("SESSION_REVOKED", userId, sessionId);
  }

  passwordChanged(userId: string): void {
    this.emit("PASSWORD_CHANGED", userId, null);
  }

  roleChanged(userId: string): void {
    this.emit("ROLE_CHANGED", userId, null);
  }

  /**
   * The account's email or its verification changed. Nothing a session may do depends on it at
   * once (unlike a role), so this instance drops its cached state and the others follow within
   * SESSION_CACHE_TTL, without an event clients would have to understand.
   */
  accountChanged(userId: string): void {
    this.deps.cache.invalidateUser(userId);
  }

  private emit(type: SecurityEventType, userId: string, sessionId: string | null): void {
    const event: SecurityEvent = { type, userId, sessionId, at: this.deps.clock.now() };
    // Applied here as well as by the cache's own subscription: this instance must see its own
    // change on the next request whatever bus it was given.
    applyToSessionCache(this.deps.cache, event);
    try {
      this.deps.bus.publish(event);
    } catch (error) {
      // The change is committed; a broken bus only delays other instances (the cache TTL bounds it).
      this.deps.logger.error({ err: error, event: "security_event_not_published", type, userId }, "security event not published");
    }
  }
}

/** Drops what a message makes stale: one session, every session of a user, or everything (RESYNC). */
export function applyToSessionCache(cache: SessionStateCache, message: SecurityMessage): void {
  if (message.type === "SIGNING_KEYS_CHANGED") return;
  if (message.type === "RESYNC") cache.clear();
  else if (message.sessionId === null) cache.invalidateUser(message.userId);
  else cache.invalidateSession(message.sessionId);
}
