import type { AuthLogger, Clock, SecurityEventBus } from "../auth";
import { parseDatabaseUrl } from "../db";
import { FanoutBus } from "./fanout-bus";
import { PostgresTransport } from "./postgres-transport";
import type { EventTransport } from "./transport";

export interface SecurityEventsOptions {
  databaseUrl: string;
  /** When set, Redis pub/sub carries the events instead of PostgreSQL NOTIFY. */
  redisUrl: string | null;
  /** Instances sharing a Redis server talk on `<prefix>:security-events`: the same prefix, the same deployment. */
  redisKeyPrefix: string;
  logger: AuthLogger;
  /** Stamps resync signals (default: the system clock). */
  clock?: Clock;
  /** How long to wait at boot for the transport to listen before starting anyway (default 2000 ms). */
  readyTimeoutMs?: number;
}

export interface SecurityEvents {
  bus: SecurityEventBus;
  /** "local" (PGlite: this process only), "postgres" or "redis". */
  kind: string;
  /** Ends the connections and their timers; never waits on an unresponsive server for long. */
  close(): Promise<void>;
}

/** NOTIFY channels are per database, so one fixed name cannot reach another deployment's instances. */
export const POSTGRES_CHANNEL = "auth_security_events";
const DEFAULT_READY_TIMEOUT_MS = 2_000;

/**
 * Opens the security-event fan-out for this instance. Never throws for an unreachable server:
 * the instance starts, warns, and the transport keeps reconnecting (until then the session cache
 * TTL bounds what other instances' changes take to be seen here).
 */
export async function openSecurityEvents(options: SecurityEventsOptions): Promise<SecurityEvents> {
  const transport = chooseTransport(options);
  const bus = new FanoutBus(transport, options.logger, options.clock);
  if (!transport) return { bus, kind: "local", close: async () => undefined };
  if (!(await transport.listening(options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS))) {
    options.logger.warn({ event: "security_events_not_ready", transport: transport.kind }, "security event transport not listening yet; retrying in the background");
  }
  return { bus, kind: transport.kind, close: () => transport.close() };
}

function chooseTransport(options: SecurityEventsOptions): EventTransport | null {
  const { logger } = options;
  const target = parseDatabaseUrl(options.databaseUrl);
  // PGlite: the data directory's lock lets a single process open it, so every session lives in
  // this process and the local bus reaches all who need to know (REDIS_URL or not).
  if (target.kind === "pglite") return null;
  if (options.redisUrl) {
    // Loaded only with a Redis URL: ioredis cost ~30 ms of every start, Redis or not.
    const { RedisTransport } = require("./redis-transport") as typeof import("./redis-transport");
    return new RedisTransport({ url: options.redisUrl, channel: `${options.redisKeyPrefix}:security-events`, logger });
  }
  return new PostgresTransport({ connectionString: target.connectionString, channel: POSTGRES_CHANNEL, logger });
}
