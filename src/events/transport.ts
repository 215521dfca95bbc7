/** What a transport calls back into the bus. */
export interface TransportHandlers {
  /** A payload received on the channel, this process's own included. */
  message(payload: string): void;
  /** Listening again after a gap (lost connection, failed first connect): payloads may have been missed. */
  resync(): void;
}

/**
 * A channel shared by every instance. Implementations never throw from `send`, never let a
 * connection failure crash the process, reconnect on their own, and end every timer and socket on
 * `close` without waiting on an unresponsive server.
 */
export interface EventTransport {
  /** For logs: "postgres", "redis". */
  readonly kind: string;
  start(handlers: TransportHandlers): void;
  /** Best effort; kept for a while when disconnected. */
  send(payload: string): void;
  /** Resolves true once listening, false if that took longer than `timeoutMs` (it keeps trying). */
  listening(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}
