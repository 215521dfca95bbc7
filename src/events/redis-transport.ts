import { Redis, type RedisOptions } from "ioredis";
import type { AuthLogger } from "../auth";
import { backoffDelay, type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff";
import { Outbox } from "./outbox";
import { ReadyLatch } from "./ready-latch";
import type { EventTransport, TransportHandlers } from "./transport";

export interface RedisTransportOptions {
  url: string;
  channel: string;
  logger: AuthLogger;
  backoff?: BackoffPolicy;
}

/** CLIENT SETNAME prefixes (for operators, and tests that kill a connection), followed by the channel. */
export const SUBSCRIBER_NAME_PREFIX = "auth-events-sub:";
export const PUBLISHER_NAME_PREFIX = "auth-events-pub:";
const CONNECT_TIMEOUT_MS = 2_000;
const END_TIMEOUT_MS = 1_000;
const DISCONNECT_TIMEOUT_MS = 300;
const OUTBOX_LIMIT = 1_000;

/**
 * Redis pub/sub: a connection in subscriber mode can do nothing else, so publishing has its own.
 * ioredis reconnects both forever (with our backoff); the subscription is renewed by hand on each
 * reconnection, so that `resync` follows the server's acknowledgement of SUBSCRIBE, not the attempt.
 */
export class RedisTransport implements EventTransport {
  readonly kind = "redis";
  private readonly subscriber: Redis;
  private readonly publisher: Redis;
  private readonly latch = new ReadyLatch();
  private readonly outbox = new Outbox(OUTBOX_LIMIT);
  private gap = false;
  private warned = false;
  private closed = false;

  constructor(private readonly options: RedisTransportOptions) {
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    const common: RedisOptions = {
      lazyConnect: true,
      // Never queue while disconnected: the outbox (publisher) and resync (subscriber) cover the gap.
      enableOfflineQueue: false,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // ioredis arms this (not unref'd) even when disconnecting an already-closed socket: keep it short.
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      retryStrategy: (times) => backoffDelay(backoff, times - 1),
    };
    this.subscriber = new Redis(options.url, {
      ...common,
      autoResubscribe: false,
      connectionName: `${SUBSCRIBER_NAME_PREFIX}${options.channel}`,
    });
    this.publisher = new Redis(options.url, {
      ...common,
      maxRetriesPerRequest: 1,
      connectionName: `${PUBLISHER_NAME_PREFIX}${options.channel}`,
    });
  }

  start(handlers: TransportHandlers): void {
    const { subscriber, publisher } = this;
    // Failures show up as 'close' (subscriber) or as rejected publishes; unhandled 'error' would crash.
    subscriber.on("error", () => undefined);
    publisher.on("error", () => undefined);
    subscriber.on("ready", () => this.subscribe(handlers));
    subscriber.on("close", () => this.lost());
    subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.options.channel) handlers.message(message);
    });
    publisher.on("ready", () => this.flush());
    subscriber.connect().catch(() => undefined);
    publisher.connect().catch(() => undefined);
  }

  send(payload: string): void {
    if (this.publisher.status !== "ready") {
      this.outbox.push(payload);
      return;
    }
    // Perhaps delivered before the failure: a duplicate hint is harmless, a lost one is not.
    this.publisher.publish(this.options.channel, payload).catch(() => this.outbox.push(payload));
  }

  listening(timeoutMs: number): Promise<boolean> {
    return this.latch.wait(timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.latch.set(false);
    await Promise.all([disconnect(this.subscriber), disconnect(this.publisher)]);
  }

  private subscribe(handlers: TransportHandlers): void {
    this.subscriber.subscribe(this.options.channel).then(
      () => {
        if (this.closed) return;
        this.latch.set(true);
        this.warned = false;
        if (!this.gap) return;
        this.gap = false;
        this.options.logger.info({ event: "security_events_listening" }, "security event subscriber connected again; caches resynced");
        handlers.resync();
      },
      // The connection dropped meanwhile: 'close' follows, and the next 'ready' subscribes again.
      () => undefined,
    );
  }

  private lost(): void {
    this.latch.set(false);
    if (this.closed) return;
    this.gap = true;
    if (this.warned) return;
    this.warned = true;
    this.options.logger.warn({ event: "security_events_disconnected" }, "security event subscriber lost its Redis connection; reconnecting");
  }

  private flush(): void {
    const { payloads, dropped } = this.outbox.drain();
    if (dropped > 0) this.options.logger.warn({ event: "security_events_dropped", dropped }, "security events dropped while disconnected");
    for (const payload of payloads) this.send(payload);
  }
}

/** Stops reconnecting and waits (briefly) for the socket to end, so nothing keeps the process alive. */
function disconnect(redis: Redis): Promise<void> {
  if (redis.status === "end") return Promise.resolve();
  if (redis.status === "reconnecting" || redis.status === "wait") {
    // No socket: cancelling the pending reconnection is all there is to do (and no 'end' follows).
    redis.disconnect();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, END_TIMEOUT_MS);
    redis.once("end", () => {
      clearTimeout(timer);
      resolve();
    });
    redis.disconnect();
  });
}
