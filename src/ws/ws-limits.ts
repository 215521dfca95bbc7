/** Abuse limits of the GraphQL websocket; every refusal is a close code or a typed error (README). */
export interface WebSocketLimits {
  /** Sockets per user on one instance (WS_MAX_CONNECTIONS_PER_USER); above it: close 4429. */
  maxConnectionsPerUser: number;
  /** Sockets per client network on one instance (WS_MAX_CONNECTIONS_PER_IP); above it: close 4429. */
  maxConnectionsPerIp: number;
  /** Largest message accepted; above it `ws` closes with 1009 (message too big). */
  maxMessageBytes: number;
  /** Operations a socket may start at once, then per second: above it, TOO_MANY_REQUESTS. */
  subscribeBurst: number;
  subscribePerSecond: number;
  /** Operations running at once on one socket: above it, TOO_MANY_REQUESTS. */
  maxOperationsPerSocket: number;
}
