/**
 * Why this server closes a GraphQL websocket. Codes 4400–4499 mirror HTTP statuses as graphql-ws
 * does (4400 bad request, 4401 unauthorized, 4403 forbidden, 4408 init timeout, 4429 too many
 * initialisation requests); the close reason is the machine-readable code clients switch on.
 */
export const WS_CLOSE = {
  /** The token of `connection_init` is invalid, expired or its session gone; or it expired while connected. */
  UNAUTHENTICATED: 4401,
  /** The connection's session was revoked (logout, logoutAll, revokeSession, reuse, password change, admin). */
  SESSION_REVOKED: 4403,
  /** Too many sockets for this user on this instance (WS_MAX_CONNECTIONS_PER_USER). */
  TOO_MANY_CONNECTIONS: 4429,
  /** The token could not be checked (database unreachable): try again later. */
  SERVICE_UNAVAILABLE: 4503,
  /** The server is shutting down (standard "going away"). */
  GOING_AWAY: 1001,
} as const;
