import { type Auth, type Clock, roleSatisfies, type SecurityMessage } from "../auth";
import { AuthError } from "../auth";
import { WS_CLOSE } from "./close-codes";
import type { WsConnection } from "./ws-connection";

export interface EnforcerTimings {
  /** How often expiry is checked (the injected clock decides what "expired" means). */
  expiryCheckMs: number;
  /** Every socket's session is re-read this often even without events: a lost event only delays. */
  recheckMs: number;
  /** How long a revoked socket waits for its `sessionEvents` subscriber to get the revocation. */
  deliveryGraceMs: number;
}

export const DEFAULT_ENFORCER_TIMINGS: EnforcerTimings = { expiryCheckMs: 1000, recheckMs: 30_000, deliveryGraceMs: 500 };

/**
 * Holds every authenticated socket to the state of its session for as long as it is open: closed
 * 4401 TOKEN_EXPIRED when its access token expires, 4403 SESSION_REVOKED when its session ends,
 * and each running operation whose required role the user lost ends with FORBIDDEN. Security
 * events (this instance's and, through the bus, the others') say when to look; the session store
 * (through the 1 s cache the events also invalidate) says what is true.
 */
export class SessionEnforcer {
  private readonly byUser = new Map<string, Set<WsConnection>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribe: () => void;
  private readonly unsubscribeKeys: () => void;
  /** Security messages received so far: `catchUp` tells by it whether one arrived during an await. */
  private received = 0;

  constructor(
    private readonly auth: Auth,
    private readonly clock: Clock,
    private readonly timings: EnforcerTimings = DEFAULT_ENFORCER_TIMINGS,
  ) {
    this.unsubscribe = auth.events.subscribe((message) => this.onMessage(message));
    // A revoked (or retired) signing key: sockets signed in with its tokens close 4401 TOKEN_INVALID.
    this.unsubscribeKeys = auth.keys.onKeyDropped(() => this.recheckAll());
    this.timers.push(setInterval(() => this.closeExpired(), timings.expiryCheckMs).unref());
    this.timers.push(setInterval(() => this.recheckAll(), timings.recheckMs).unref());
  }

  track(connection: WsConnection): void {
    const userId = connection.claims?.sub;
    if (!userId) return;
    const set = this.byUser.get(userId) ?? new Set<WsConnection>();
    set.add(connection);
    this.byUser.set(userId, set);
  }

  untrack(connection: WsConnection): void {
    const userId = connection.claims?.sub;
    const set = userId ? this.byUser.get(userId) : undefined;
    if (!set || !userId) return;
    set.delete(connection);
    if (set.size === 0) this.byUser.delete(userId);
  }

  /** A mark for `catchUp`, taken before an await during which a message could miss a connection. */
  since(): number {
    return this.received;
  }

  /**
   * Re-reads the connection's session if any security message arrived since `mark`: a socket still
   * in its handshake is not tracked yet, and an operation still starting is not registered yet,
   * so that message could not act on them. Any message counts (it costs one cached read).
   */
  catchUp(connection: WsConnection, mark: number): void {
    if (this.received !== mark) void this.recheck(connection);
  }

  /** Re-reads one socket's session and acts on it; resolves when done (closing included). */
  async recheck(connection: WsConnection): Promise<void> {
    if (!connection.claims || connection.closing) return;
    let state;
    try {
      state = await this.auth.viewers.recheck(connection.claims);
    } catch {
      return; // The store is unreachable: keep the socket; the next event or sweep looks again.
    }
    if (!state.viewer) {
      const code = state.reason === "SESSION_REVOKED" ? WS_CLOSE.SESSION_REVOKED : WS_CLOSE.UNAUTHENTICATED;
      this.closeAfterDelivery(connection, code, state.reason);
      return;
    }
    for (const operation of connection.operations.values()) {
      if (operation.role && !operation.failure && !roleSatisfies(state.viewer.user.role, operation.role)) {
        // Recorded as well as sent: a subscription not yet running picks it up when it starts.
        operation.failure = new AuthError("FORBIDDEN", `This field requires the ${operation.role} role.`);
        operation.fail(operation.failure);
      }
    }
  }

  stop(): void {
    this.unsubscribe();
    this.unsubscribeKeys();
    for (const timer of this.timers) clearInterval(timer);
  }

  private onMessage(message: SecurityMessage): void {
    this.received += 1;
    // A key change is acted on once the key ring has reloaded (see the ring's own listener).
    if (message.type === "SIGNING_KEYS_CHANGED") return;
    if (message.type === "RESYNC") {
      this.recheckAll();
      return;
    }
    for (const connection of this.byUser.get(message.userId) ?? []) void this.recheck(connection);
  }

  private recheckAll(): void {
    for (const set of this.byUser.values()) for (const connection of set) void this.recheck(connection);
  }

  private closeExpired(): void {
    const nowSeconds = this.clock.now().getTime() / 1000;
    for (const set of this.byUser.values()) {
      for (const connection of set) {
        if (connection.claims && connection.claims.exp <= nowSeconds) connection.close(WS_CLOSE.UNAUTHENTICATED, "TOKEN_EXPIRED");
      }
    }
  }

  /**
   * A socket subscribed to `sessionEvents` is told why before it goes: it closes once that
   * subscriber has been sent its SESSION_REVOKED event (see `revocationDelivered`), or after a grace.
   */
  private closeAfterDelivery(connection: WsConnection, code: number, reason: string): void {
    const listening = [...connection.operations.values()].some((operation) => operation.sessionEvents);
    if (!listening || connection.revocationDelivered) {
      connection.close(code, reason);
      return;
    }
    connection.pendingClose = { code, reason };
    setTimeout(() => connection.close(code, reason), this.timings.deliveryGraceMs).unref();
  }
}
