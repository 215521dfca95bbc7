import { randomBytes, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import {
  type AccountSettings,
  Argon2Hasher,
  type Auth,
  type Clock,
  createAuth,
  fileKeySnapshot,
  secretKeySnapshot,
  type SigningKeySettings,
  type SigningKeyStore,
  systemClock,
} from "../auth";
import { HibpBreachCheck } from "../breach";
import type { Config } from "../config";
import { createStores, type Database, openDatabase } from "../db";
import { openSecurityEvents } from "../events";
import type { Services } from "../graphql";
import { createRateLimiter } from "../limits";
import { createLogger } from "../logger";
import { createMailDelivery, MailDispatcher } from "../mail";
import { warnAboutRiskySettings } from "../startup-warnings";
import { bootstrapAdmin } from "./bootstrap-admin";
import { type CoreJobs, startCoreJobs } from "./core-jobs";
import type { Module, ModuleCore, ModuleRuntime } from "./module";
import { migrateCoreDatabase } from "./migrate-core";

export interface CoreOverrides {
  /** Tests pin time through the same seam the services use. */
  clock?: Clock;
  logger?: Logger;
}

/** Everything but the transports: what the HTTP and websocket servers, migrations and CLI share. */
export interface Core {
  config: Readonly<Config>;
  logger: Logger;
  clock: Clock;
  db: Database;
  auth: Auth;
  modules: readonly Module[];
  /** `ctx.services`: the auth core plus every module's services. */
  services: Services;
  /** Periodic maintenance (audit flush, retention); a server starts it, a one-shot command does not. */
  startJobs(): void;
  /** Stops the jobs, flushes what is buffered, closes modules, the limiter and the database. */
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it when MIGRATE_ON_START), the limiter and the auth core, then
 * every module's services. The only place, with the transports' own factories, that constructs clients.
 */
export async function openCore(config: Readonly<Config>, modules: readonly Module[], overrides: CoreOverrides = {}): Promise<Core> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const db = await openDatabase(config.databaseUrl);
  // After the database is ours: a second process refused for a locked directory says only that.
  warnAboutRiskySettings(config, logger);
  const limits = createRateLimiter(config.rateLimits, { redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix });
  const events = await openSecurityEvents({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, logger, clock });
  const runtimes: ModuleRuntime[] = [];
  let dispatcher: MailDispatcher | null = null;
  const closeAll = async () => {
    await dispatcher?.stop();
    for (const runtime of runtimes.reverse()) await runtime.close?.();
    await events.close();
    await limits.close();
    await db.close();
  };
  try {
    if (!(await limits.ready())) logger.warn("rate-limit store (Redis) unreachable at start: logins fail closed until it answers");
    if (config.migrateOnStart) await migrateCoreDatabase(db, modules, logger);
    const { signingKeys: keyStore, ...stores } = createStores(db);
    const delivery = createMailDelivery(config.mail, { clock });
    logger.info({ mail: delivery.description }, "account mail delivery");
    const mail = delivery.sender
      ? new MailDispatcher({ queue: stores.mail, sender: delivery.sender, render: delivery.render, clock, logger })
      : null;
    dispatcher = mail;
    const auth = createAuth({
      ...stores,
      ...authSettings(config, logger),
      signingKeys: signingKeySettings(config, keyStore),
      limiter: limits.limiter,
      events: events.bus,
      accounts: accountSettings(config),
      onMailQueued: () => mail?.kick(),
      clock,
      randomBytes,
      newId: randomUUID,
      logger,
    });
    await auth.keys.start();
    await bootstrapAdmin(config, auth, logger);
    const moduleCore: ModuleCore = { auth, clock, logger, newId: randomUUID, db: { kind: db.kind, adapter: db.adapter } };
    const services = await setUpModules(modules, moduleCore, runtimes);
    let jobs: CoreJobs | null = null;
    return {
      config,
      logger,
      clock,
      db,
      auth,
      modules,
      services,
      startJobs: () => {
        jobs ??= startCoreJobs(auth, mail, config, logger);
      },
      close: async () => {
        await jobs?.stop();
        // Work done after answering (a reset request's lookup and mail) is finished, then its mail sent.
        await auth.maintenance.settle();
        await mail?.runDue().catch((error: unknown) => logger.warn({ err: error }, "mail not sent at shutdown; it stays queued"));
        await mail?.stop();
        // Refusals counted in memory since the last flush: written before the database goes.
        await auth.maintenance.flushAudit();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}

/**
 * Runs every module's setup (each runtime is pushed as soon as it exists, so a later failure still
 * closes it) and merges their services beside the auth core's.
 */
async function setUpModules(modules: readonly Module[], core: ModuleCore, runtimes: ModuleRuntime[]): Promise<Services> {
  const provided = new Map<string, string>([["auth", "the core"]]);
  // Each module declares its keys on `Services` and fills them here, which the compiler cannot
  // follow: the assembled object is asserted once, and every key is checked to come from one place.
  const services = { auth: core.auth } as Services;
  for (const module of modules) {
    const runtime = await module.setup?.(core);
    if (!runtime) continue;
    runtimes.push(runtime);
    for (const key of Object.keys(runtime.services)) {
      // A module must not replace another's service, least of all the auth core the context trusts.
      const owner = provided.get(key);
      if (owner) throw new Error(`Module "${module.name}" provides the service "${key}", already provided by ${owner}.`);
      provided.set(key, `module "${module.name}"`);
    }
    Object.assign(services, runtime.services);
  }
  return services;
}

const RETENTION_BATCH_SIZE = 500;
const RETENTION_MAX_BATCHES = 200;

function authSettings(config: Readonly<Config>, logger: Logger) {
  return {
    hasher: new Argon2Hasher(config.argon2, config.passwordPepper ?? undefined),
    breachCheck: config.breachCheck ? new HibpBreachCheck({ apiUrl: config.breachCheck.apiUrl, logger }) : null,
    rateLimits: { policy: config.rateLimits, ipv6PrefixLength: config.rateLimitIpv6Prefix },
    retentionPolicy: {
      auditRetentionMs: config.retention.auditSeconds * 1000,
      sessionRetentionMs: config.retention.sessionSeconds * 1000,
      batchSize: RETENTION_BATCH_SIZE,
      maxBatchesPerRun: RETENTION_MAX_BATCHES,
    },
    jwksMaxAgeMs: config.jwt.jwksMaxAgeSeconds * 1000,
    accessToken: {
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
  };
}

function accountSettings(config: Readonly<Config>): AccountSettings {
  const ttl = config.accounts.tokenTtlSeconds;
  return {
    appUrl: config.mail.appUrl,
    requireEmailVerification: config.accounts.requireEmailVerification,
    signupMode: config.accounts.signupMode,
    mailEnabled: config.mail.transport !== null,
    tokenTtlMs: {
      email_verification: ttl.emailVerification * 1000,
      password_reset: ttl.passwordReset * 1000,
      email_change: ttl.emailChange * 1000,
      invite: ttl.invite * 1000,
    },
  };
}

function signingKeySettings(config: Readonly<Config>, store: SigningKeyStore): SigningKeySettings {
  const signing = config.jwt.signing;
  if (signing.algorithm === "HS256") return { kind: "fixed", snapshot: secretKeySnapshot(signing.key) };
  if (signing.keySource === "file") return { kind: "fixed", snapshot: fileKeySnapshot(signing.privateKey) };
  return {
    kind: "managed",
    algorithm: signing.algorithm,
    store,
    keyEncryptionKey: signing.keyEncryptionKey,
    rotationMs: signing.rotationSeconds === null ? null : signing.rotationSeconds * 1000,
  };
}
