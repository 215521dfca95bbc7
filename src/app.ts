import { randomBytes, randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { Argon2Hasher, type Auth, type Clock, createAuth, isAuthError, systemClock } from "./auth";
import { HibpBreachCheck } from "./breach";
import { type Config, ConfigError } from "./config";
import { createStores, type Database, openDatabase, toServiceUnavailable } from "./db";
import { startBackgroundJobs } from "./background-jobs";
import { openSecurityEvents } from "./events";
import { createHttpServer } from "./http";
import { createRateLimiter } from "./limits";
import { createLogger } from "./logger";
import { emailsNeedingAttention, prepareDatabase } from "./prepare-database";
import { warnAboutRiskySettings } from "./startup-warnings";

export interface AppOverrides {
  /** Tests pin time through the same seam the services use. */
  clock?: Clock;
  logger?: Logger;
}

export interface App {
  config: Readonly<Config>;
  auth: Auth;
  db: Database;
  http: FastifyInstance;
  logger: Logger;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/** Rate-limit refusals counted in memory reach the audit trail within this delay. */
const AUDIT_FLUSH_MS = 5_000;
const RETENTION_FIRST_RUN_MS = 60_000;
const RETENTION_BATCH_SIZE = 500;
const RETENTION_MAX_BATCHES = 200;

/** Composition root: the only place that constructs clients and wires ports to adapters. */
export async function createApp(config: Readonly<Config>, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  warnAboutRiskySettings(config, logger);
  const db = await openDatabase(config.databaseUrl);
  const limits = createRateLimiter(config.rateLimits, { redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix });
  const events = await openSecurityEvents({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, logger });
  try {
    if (!(await limits.ready())) logger.warn("rate-limit store (Redis) unreachable at start: logins fail closed until it answers");
    if (config.migrateOnStart) {
      const { applied, emails } = await prepareDatabase(db);
      if (applied.length > 0) logger.info({ applied }, "database migrations applied");
      if (emails.rewritten > 0) logger.info({ rewritten: emails.rewritten }, "stored emails rewritten into canonical form");
      const attention = emailsNeedingAttention(emails);
      if (attention) logger.warn({ conflicts: emails.conflicts, refused: emails.refused }, attention);
    }
    const auth = createAuth({
      ...createStores(db),
      limiter: limits.limiter,
      hasher: new Argon2Hasher(config.argon2, config.passwordPepper ?? undefined),
      breachCheck: config.breachCheck ? new HibpBreachCheck({ apiUrl: config.breachCheck.apiUrl, logger }) : null,
      clock: overrides.clock ?? systemClock,
      randomBytes,
      newId: randomUUID,
      logger,
      rateLimits: { policy: config.rateLimits, ipv6PrefixLength: config.rateLimitIpv6Prefix },
      retentionPolicy: {
        auditRetentionMs: config.retention.auditSeconds * 1000,
        sessionRetentionMs: config.retention.sessionSeconds * 1000,
        batchSize: RETENTION_BATCH_SIZE,
        maxBatchesPerRun: RETENTION_MAX_BATCHES,
      },
      accessToken: {
        key: config.jwt.key,
        algorithm: "HS256",
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        ttlSeconds: config.accessTokenTtlSeconds,
        clockToleranceSeconds: 5,
      },
      policy: {
        refreshTokenTtlMs: config.refreshTokenTtlSeconds * 1000,
        sessionMaxAgeMs: config.sessionMaxAgeSeconds * 1000,
        reuseGraceMs: config.refreshReuseGraceSeconds * 1000,
      },
      sessionCacheTtlMs: config.sessionCacheTtlMs,
      events: events.bus,
    });
    await bootstrapAdmin(config, auth, logger);
    const development = config.nodeEnv === "development";
    const http = await createHttpServer({
      auth,
      readiness: db,
      logger,
      introspection: config.introspection,
      development,
      corsOrigins: config.corsOrigins,
      trustProxy: config.trustProxy,
      timeouts: config.httpTimeouts,
      translateError: toServiceUnavailable,
    });
    const jobs = startBackgroundJobs(
      [
        { name: "rate-limit audit flush", everyMs: AUDIT_FLUSH_MS, run: () => auth.maintenance.flushAudit() },
        {
          name: "retention",
          everyMs: config.retention.intervalSeconds * 1000,
          firstAfterMs: Math.min(RETENTION_FIRST_RUN_MS, config.retention.intervalSeconds * 1000),
          run: (stopping) => auth.maintenance.retention.run(stopping),
        },
      ],
      logger,
    );
    return {
      config,
      auth,
      db,
      http,
      logger,
      listen: () => http.listen({ port: config.port, host: config.host }),
      close: async () => {
        await http.close();
        await jobs.stop();
        // Refusals counted in memory since the last flush: written before the database goes.
        await auth.maintenance.flushAudit();
        await limits.close();
        await events.close();
        await db.close();
      },
    };
  } catch (error) {
    await limits.close().catch(() => undefined);
    await events.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}

async function bootstrapAdmin(config: Readonly<Config>, auth: Auth, logger: Logger): Promise<void> {
  if (!config.bootstrapAdmin) return;
  try {
    const { user, created } = await auth.accounts.ensureAdmin(config.bootstrapAdmin);
    logger.info({ userId: user.id, created }, created ? "bootstrap admin created" : "bootstrap admin ensured");
  } catch (error) {
    if (isAuthError(error) && error.code === "BAD_USER_INPUT") {
      const variable = error.field === "password" ? "BOOTSTRAP_ADMIN_PASSWORD" : "BOOTSTRAP_ADMIN_EMAIL";
      throw new ConfigError(variable, error.message);
    }
    throw error;
  }
}
