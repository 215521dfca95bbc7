import type { Client } from "pg";
import type { AuthLogger } from "../auth";
import { backoffDelay, type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff";
import { Outbox } from "./outbox";
import { ReadyLatch } from "./ready-latch";
import type { EventTransport, TransportHandlers } from "./transport";

export interface PostgresTransportOptions {
  connectionString: string;
  channel: string;
  logger: AuthLogger;
  backoff?: BackoffPolicy;
  /** How often the idle listening connection proves it is alive: one dropped silently never errors. */
  heartbeatMs?: number;
}

/** Names the listening backend in pg_stat_activity (operators, and tests that kill it). */
export const LISTENER_APPLICATION_NAME = "auth-security-events";
const CONNECT_TIMEOUT_MS = 2_000;
const QUERY_TIMEOUT_MS = 3_000;
const END_TIMEOUT_MS = 1_000;
const DEFAULT_HEARTBEAT_MS = 10_000;
const OUTBOX_LIMIT = 1_000;

/**
 * LISTEN/NOTIFY on one dedicated connection, outside the pool: a pooled connection is handed to
 * other work and would lose its LISTEN when recycled. Any failure on it (error, end, a query that
 * failed or timed out) retires it and schedules a new one with backoff; once listening again after
 * a gap, `resync` tells the bus that notifications may have been missed.
 */
export class PostgresTransport implements EventTransport {
  readonly kind = "postgres";
  private client: Client | null = null;
  /** The current client's last query: pg wants one at a time per client (concurrent calls are deprecated). */
  private queue: Promise<unknown> = Promise.resolve();
  private handlers: TransportHandlers | null = null;
  private readonly latch = new ReadyLatch();
  private readonly outbox = new Outbox(OUTBOX_LIMIT);
  private failures = 0;
  private gap = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly options: PostgresTransportOptions) {}

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
    this.connect();
  }

  send(payload: string): void {
    const client = this.client;
    if (!client || !this.latch.isReady) {
      this.outbox.push(payload);
      return;
    }
    this.serially(client, "SELECT pg_notify($1, $2)", [this.options.channel, payload], () => {
      // Perhaps delivered before the failure: a duplicate hint is harmless, a lost one is not.
      this.outbox.push(payload);
    });
  }

  listening(timeoutMs: number): Promise<boolean> {
    return this.latch.wait(timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopTimers();
    const client = this.client;
    this.client = null;
    this.latch.set(false);
    if (client) await endClient(client);
  }

  private connect(): void {
    if (this.closed) return;
    // Loaded here, not at import: an embedded (PGlite) server imports this file but never builds
    // a transport, and pg cost ~20 ms of its start.
    const { Client: PgClient, escapeIdentifier } = require("pg") as typeof import("pg");
    const client = new PgClient({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
      application_name: LISTENER_APPLICATION_NAME,
    });
    this.client = client;
    this.queue = Promise.resolve();
    // Without an 'error' listener a dropped connection would crash the process.
    client.on("error", (error) => this.broken(client, error));
    client.on("end", () => this.broken(client, null));
    client.on("notification", ({ channel, payload }) => {
      if (this.client === client && channel === this.options.channel && payload !== undefined) this.handlers?.message(payload);
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${escapeIdentifier(this.options.channel)}`))
      .then(
        () => this.listened(client),
        (error: unknown) => this.broken(client, error),
      );
  }

  private listened(client: Client): void {
    if (this.client !== client) return; // closed or replaced meanwhile; already being ended
    if (this.gap) this.options.logger.info({ event: "security_events_listening" }, "security event listener connected again; caches resynced");
    this.failures = 0;
    this.latch.set(true);
    this.heartbeat = setInterval(() => this.serially(client, "SELECT 1", []), this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.heartbeat.unref();
    if (this.gap) {
      this.gap = false;
      this.handlers?.resync();
    }
    const { payloads, dropped } = this.outbox.drain();
    if (dropped > 0) this.options.logger.warn({ event: "security_events_dropped", dropped }, "security events dropped while disconnected");
    for (const payload of payloads) this.send(payload);
  }

  /** Queues a query behind the client's previous one; a failure retires the connection. */
  private serially(client: Client, sql: string, params: unknown[], onFailure?: () => void): void {
    this.queue = this.queue.then(() =>
      client.query(sql, params).catch((error: unknown) => {
        onFailure?.();
        this.broken(client, error);
      }),
    );
  }

  private broken(client: Client, error: unknown): void {
    if (this.client !== client) return; // an old connection's late error or end
    this.client = null;
    this.latch.set(false);
    this.gap = true;
    this.stopTimers();
    void endClient(client);
    if (this.closed) return;
    if (this.failures === 0) {
      this.options.logger.warn({ event: "security_events_disconnected", err: error }, "security event listener lost its connection; reconnecting");
    }
    const delay = backoffDelay(this.options.backoff ?? DEFAULT_BACKOFF, this.failures++);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, delay);
    this.retry.unref();
  }

  private stopTimers(): void {
    if (this.retry) clearTimeout(this.retry);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.retry = null;
    this.heartbeat = null;
  }
}

/** Ends the connection, or destroys its socket if the server does not answer: shutdown never hangs on it. */
async function endClient(client: Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), END_TIMEOUT_MS);
  });
  const ended = client.end().then(
    () => true,
    () => true,
  );
  const clean = await Promise.race([ended, timedOut]);
  clearTimeout(timer);
  if (!clean) client.connection.stream.destroy();
}
