import { randomBytes, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { type Auth, type Clock, createAuth, systemClock } from "../auth";
import type { Config } from "../config";
import { createStores, type Database, openDatabase } from "../db";
import { openSecurityEvents } from "../events";
import type { Services } from "../graphql";
import { createRateLimiter } from "../limits";
import { createLogger, resolveLogFormat } from "../logger";
import { createMailDelivery, MailDispatcher } from "../mail";
import { type AuthOutcomes, meteredAuditLog, meteredRateLimiter, meteredSessionStore } from "../metrics";
import { warnAboutRiskySettings } from "../startup-warnings";
import { bootstrapAdmin } from "./bootstrap-admin";
import { type CoreJobs, startCoreJobs } from "./core-jobs";
import type { Module, ModuleCore, ModuleRuntime } from "./module";
import { accountSettings, authSettings, signingKeySettings } from "./auth-settings";
import { migrateCoreDatabase } from "./migrate-core";

export interface CoreOverrides {
  /** Tests pin time through the same seam the services use. */
  clock?: Clock;
  logger?: Logger;
  /**
   * A server's outcome counters, fed by decorators over the audit and limiter ports (the auth core
   * knows no metrics). Commands that open the core without serving (CLI, migrations) pass none.
   */
  outcomes?: AuthOutcomes;
  /**
   * The database, already being opened (for the same `config.databaseUrl`, which the security
   * events still connect to themselves): main.ts starts it before loading the server's modules,
   * so that an embedded database's thread boots (about 1 s) while they load (about 0.4 s on the
   * main thread). Default: opened here from `config.databaseUrl`.
   */
  database?: Promise<Database>;
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
  // First: a database opened by the caller is this function's to close from here on.
  const db = await (overrides.database ?? openDatabase(config.databaseUrl));
  let logger: Logger;
  try {
    logger = overrides.logger ?? createLogger(config.logLevel, undefined, resolveLogFormat(config.logFormat, config.nodeEnv, process.stdout.isTTY === true));
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  const clock = overrides.clock ?? systemClock;
  // After the database is ours: a second process refused for a locked directory says only that.
  warnAboutRiskySettings(config, logger);
  const limits = createRateLimiter(config.rateLimits, { redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix });
  const events = await openSecurityEvents({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, logger, clock });
  const runtimes: ModuleRuntime[] = [];
  let dispatcher: MailDispatcher | null = null;
  const closeAll = async () => {
    // Queued mail is durable: the next start (or another instance) sends it. A send in flight
    // gets a bounded wait; if it is cut off, its lease expires and it is sent again.
    await withDeadline(dispatcher?.stop(), MAIL_STOP_GRACE_MS, () => logger.warn({}, "a mail send was still in flight at shutdown; it will be retried"));
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
    const outcomes = overrides.outcomes;
    const auth = createAuth({
      ...stores,
      audit: outcomes ? meteredAuditLog(stores.audit, outcomes) : stores.audit,
      sessions: outcomes ? meteredSessionStore(stores.sessions, outcomes) : stores.sessions,
      ...authSettings(config, logger),
      signingKeys: signingKeySettings(config, keyStore),
      limiter: outcomes ? meteredRateLimiter(limits.limiter, outcomes) : limits.limiter,
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
        // Refusals counted in memory since the last flush: written first, before anything that may hang.
        await auth.maintenance.flushAudit();
        // Work done after answering (a reset request's lookup, token and queued mail) is finished.
        await auth.maintenance.settle();
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

const MAIL_STOP_GRACE_MS = 3_000;

async function withDeadline(work: Promise<void> | undefined, ms: number, onTimeout: () => void): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
  const outcome = await Promise.race([work.then(() => "done" as const), late]);
  clearTimeout(timer);
  if (outcome === "late") onTimeout();
}
