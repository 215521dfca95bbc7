import type { AccessTokenClaims, ClientInfo, Clock, Role } from "../auth";
import type { WebSocket } from "ws";
import { TokenBucket } from "./connection-limits";
import { closeOnce } from "./socket-glue";
import type { WebSocketLimits } from "./ws-limits";

/** One running operation on a socket: what it needs, so a role change can end just that one. */
export interface ActiveOperation {
  /** The highest role the operation's fields require; null when it needs none. */
  role: Role | null;
  subscription: boolean;
  /** True for `sessionEvents`: the socket's own revocation is delivered to it before closing. */
  sessionEvents: boolean;
  /** Why the server ended it (a role lost), once it has; null while it may run. */
  failure: Error | null;
  /** Ends the operation with this GraphQL error (a subscription completes with it). */
  fail(error: Error): void;
}

/** What this server keeps per GraphQL websocket, beside graphql-ws's own state. */
export interface WsConnection {
  readonly client: ClientInfo;
  /** `Bearer <token>` from `connection_init`; undefined for an anonymous connection. */
  authorization: string | undefined;
  /** Verified claims of that token (null when anonymous). */
  claims: AccessTokenClaims | null;
  readonly subscribeBudget: TokenBucket;
  readonly operations: Map<string, ActiveOperation>;
  /** Ids of operations admitted under the caps but still being checked (not yet in `operations`). */
  readonly starting: Set<string>;
  /** Non-subscription operations executing now; shutdown waits for them. */
  inFlight: number;
  /** Set once the socket is being closed by this server, so it is closed once. */
  closing: boolean;
  /** Set when the socket has closed (by either side): its slots are given back. */
  closed: boolean;
  /** The socket's own SESSION_REVOKED event has been sent to its `sessionEvents` subscriber. */
  revocationDelivered: boolean;
  /** Waiting for that delivery before closing with this code and reason. */
  pendingClose: { code: number; reason: string } | null;
  close(code: number, reason: string): void;
}

export function newConnection(socket: WebSocket, client: ClientInfo, limits: WebSocketLimits, clock: Clock): WsConnection {
  const connection: WsConnection = {
    client,
    authorization: undefined,
    claims: null,
    subscribeBudget: new TokenBucket(limits.subscribeBurst, limits.subscribePerSecond, () => clock.now().getTime()),
    operations: new Map(),
    starting: new Set(),
    inFlight: 0,
    closing: false,
    closed: false,
    revocationDelivered: false,
    pendingClose: null,
    close(code, reason) {
      if (connection.closing) return;
      connection.closing = true;
      closeOnce(socket, code, reason);
    },
  };
  return connection;
}

/** A `sessionEvents` result telling this very connection that its session was revoked. */
export function revokesThisSession(data: unknown): boolean {
  const event = (data as { sessionEvents?: { type?: unknown; current?: unknown } } | null | undefined)?.sessionEvents;
  return event?.type === "SESSION_REVOKED" && event.current === true;
}

/**
 * Called as that result is handed to the socket: a close waiting for it goes out right after
 * (graphql-ws sends the message when this hook returns; the close frame queues behind it).
 */
export function markRevocationDelivered(connection: WsConnection): void {
  connection.revocationDelivered = true;
  const pending = connection.pendingClose;
  if (pending) setImmediate(() => connection.close(pending.code, pending.reason));
}
