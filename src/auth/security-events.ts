/**
 * The security-events port: what changed in an account, told to every instance.
 *
 * Events are HINTS. They say where to look, never what is true: a receiver re-reads the session
 * store (or the session cache) before acting, so a lost, duplicated, reordered or forged event can
 * only delay or cost a read, never grant or keep access. Whoever can write to the transport
 * (NOTIFY on the database, PUBLISH on Redis) can make this process re-read, nothing more.
 */
export const SECURITY_EVENT_TYPES = ["SESSION_CREATED", "SESSION_REVOKED", "PASSWORD_CHANGED", "ROLE_CHANGED"] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

export interface SecurityEvent {
  type: SecurityEventType;
  userId: string;
  /**
   * The session concerned, or null when any session of the user may be (logoutAll, a password
   * change ending the other sessions, a role change): receivers re-check every session of the user.
   */
  sessionId: string | null;
  /** When the change was committed, by the publishing instance's clock. */
  at: Date;
}

/**
 * The bus (re)connected after a gap during which events may have been lost: drop everything that
 * was kept fresh by events and re-read it.
 */
export interface ResyncSignal {
  type: "RESYNC";
  /** When this instance was listening again (its clock). */
  at: Date;
}

/**
 * Signing keys were created, rotated, revoked or retired: every instance re-reads the key set (a
 * revoked key stops verifying everywhere at once, not at the next periodic reload).
 */
export interface SigningKeysChanged {
  type: "SIGNING_KEYS_CHANGED";
  at: Date;
}

export type SecurityMessage = SecurityEvent | ResyncSignal | SigningKeysChanged;
export type SecurityEventListener = (message: SecurityMessage) => void;

/** What the transports (websocket subscriptions) see: `auth.events`. */
export interface SecurityEventSource {
  /**
   * Listeners run in subscription order, each isolated (a throw is logged, not propagated). The
   * session cache subscribes first, so a listener that re-reads through `auth.viewers` sees the
   * invalidated state. Returns the unsubscribe function.
   */
  subscribe(listener: SecurityEventListener): () => void;
}

/**
 * The port the core publishes to. `publish` delivers to this process's listeners before it
 * returns (same-instance delivery never waits for the network) and forwards to the other instances
 * best-effort; it never throws and never blocks on the network.
 */
export interface SecurityEventBus extends SecurityEventSource {
  publish(event: SecurityEvent | SigningKeysChanged): void;
}

export function isSecurityEventType(value: unknown): value is SecurityEventType {
  return SECURITY_EVENT_TYPES.some((type) => type === value);
}
