import { Gauge, type Registry } from "prom-client";
import type { Clock } from "../auth";
import { CachedReading } from "./cached-reading";

/** How long one count of live sessions answers scrapes: the query scans every unexpired session. */
export const ACTIVE_SESSIONS_TTL_MS = 10_000;

/** A connection pool's state; pg's Pool has these names. */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  max: number;
}

export interface LiveSources {
  /** Live sessions in the database (every instance's). */
  countActiveSessions(): Promise<number>;
  /** Websockets open on this instance. */
  openSockets(): number;
  /** PostgreSQL's pool; null on PGlite, which has one in-process connection and no pool. */
  pool: (() => PoolStats) | null;
  clock: Clock;
  onError(error: unknown): void;
}

/** Gauges read when Prometheus scrapes, not kept up to date on the request path. */
export function registerLiveGauges(registry: Registry, sources: LiveSources): void {
  const registers = [registry];
  const sessions = new CachedReading(() => sources.countActiveSessions(), sources.clock, ACTIVE_SESSIONS_TTL_MS, sources.onError);
  new Gauge({
    name: "auth_sessions_active",
    help: `Live sessions in the database, all instances together (use max(), not sum()); read at most every ${ACTIVE_SESSIONS_TTL_MS / 1000} s, absent when the database did not answer.`,
    registers,
    async collect() {
      const count = await sessions.get();
      // No sample rather than a stale or made-up one: absent() alerts can see it.
      if (count === null) this.remove();
      else this.set(count);
    },
  });
  new Gauge({
    name: "websocket_connections_open",
    help: "GraphQL websockets open on this instance, authenticated or not yet.",
    registers,
    collect() {
      this.set(sources.openSockets());
    },
  });
  const pool = sources.pool;
  if (!pool) return;
  const poolGauge = (name: string, help: string, read: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read(pool()));
      },
    });
  poolGauge("db_pool_connections", "PostgreSQL connections the pool holds open (idle or in use).", (s) => s.totalCount);
  poolGauge("db_pool_connections_idle", "PostgreSQL connections open and idle in the pool.", (s) => s.idleCount);
  poolGauge("db_pool_waiting_requests", "Queries waiting for a pooled connection (all are in use).", (s) => s.waitingCount);
  poolGauge("db_pool_connections_max", "The pool's maximum number of connections.", (s) => s.max);
}
