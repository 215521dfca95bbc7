import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import {
  type AccountSettings,
  Argon2Hasher,
  ConcurrencyLimit,
  fileKeySnapshot,
  secretKeySnapshot,
  type SigningKeySettings,
  type SigningKeyStore,
} from "../auth";
import { HibpBreachCheck } from "../breach";
import type { Config } from "../config";

/** The auth core's settings, derived from the validated configuration (the core reads no env). */
const RETENTION_BATCH_SIZE = 500;
const RETENTION_MAX_BATCHES = 200;

export function authSettings(config: Readonly<Config>, logger: Logger) {
  return {
    hasher: new Argon2Hasher(config.argon2, config.passwordPepper ?? undefined, new ConcurrencyLimit(argon2Slots())),
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

export function accountSettings(config: Readonly<Config>): AccountSettings {
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

export function signingKeySettings(config: Readonly<Config>, store: SigningKeyStore): SigningKeySettings {
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

/**
 * One argon2 per core keeps every core busy; more would only hold 19 MiB each. At most 3, so one of
 * libuv's 4 pool threads stays free for file and DNS work; at least 2, so a legacy verify and the
 * dummy beside it run together even on one core (Argon2Hasher.verify).
 */
function argon2Slots(): number {
  return Math.max(2, Math.min(availableParallelism(), 3));
}
