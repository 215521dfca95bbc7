import { KeyObject } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { type AccountsConfig, readAccounts } from "./accounts";
import { type BreachCheckConfig, readBreachCheck } from "./breach-check";
import { ConfigError } from "./config-error";
import type { HttpTimeouts } from "../http";
import type { RateLimitPolicy } from "../limits";
import { readHttpTimeouts } from "./http-timeouts";
import { type MailConfig, readMail } from "./mail";
import { readMetricsToken } from "./metrics";
import { readSigning, type SigningConfig } from "./signing";
import { readPublicUrl } from "./public-url";
import { readServiceCredentials, type ServiceCredential } from "./service-credentials";
import { readIpv6PrefixLength, readRateLimits } from "./rate-limits";
import { readTrustProxy } from "./trust-proxy";
import { readHeaderNames, readOrigins } from "./cors";
import { type Env, readBool, readDuration, readEnum, readInt, readOptional, readString } from "./readers";

export const NODE_ENVS = ["development", "production", "test"] as const;
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** `auto`: human-readable lines in a development terminal, JSON everywhere else (see logger.ts). */
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
export const DEFAULT_DATABASE_URL = "pglite:./.data/pglite";
/** JWT_ISSUER without PUBLIC_URL, and JWT_AUDIENCE. */
export const DEFAULT_JWT_ISSUER = "graphql-auth-server";
export const DEFAULT_JWT_AUDIENCE = "graphql-auth-server";
const DAY = 86400;

export interface Config {
  nodeEnv: (typeof NODE_ENVS)[number];
  /** Whether NODE_ENV was set at all: unset means development, which a deployment should not run by accident. */
  nodeEnvSet: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  migrateOnStart: boolean;
  jwt: {
    /** How access tokens are signed and where the keys come from. */
    signing: SigningConfig;
    issuer: string;
    audience: string;
    /** JWKS_MAX_AGE: how long verifiers may cache the key set; also the wait before a new key signs. */
    jwksMaxAgeSeconds: number;
  };
  /** Where other services reach this server; null derives it from the listening address. */
  publicUrl: string | null;
  /** Services allowed to ask /introspect about a token; empty disables the endpoint. */
  serviceCredentials: readonly ServiceCredential[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  refreshReuseGraceSeconds: number;
  /**
   * How long a session's state is reused without a query. Security events invalidate it on every
   * instance at once; this bounds how stale it can be when an event is lost.
   */
  sessionCacheTtlMs: number;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  /** argon2 secret ("pepper"); null when unset. Cannot be rotated without resetting passwords. */
  passwordPepper: Buffer | null;
  bootstrapAdmin: { email: string; password: string } | null;
  /** Breached-password corpus consulted where passwords are chosen; null when off. */
  breachCheck: BreachCheckConfig | null;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: (typeof LOG_FORMATS)[number];
  /** INTROSPECTION: schema introspection, Apollo's landing page on GET /graphql and GraphiQL on /graphiql. */
  introspection: boolean;
  /** Browser origins allowed credentialed cross-origin calls (cookie transport). */
  corsOrigins: readonly string[];
  /** Request headers browsers may send beyond the built-in list (tracing, your own). */
  corsAllowedHeaders: readonly string[];
  rateLimits: RateLimitPolicy;
  /** IPv6 clients are rate-limited per network of this prefix length. */
  rateLimitIpv6Prefix: number;
  /** Seconds; 0 keeps the data forever. */
  retention: { auditSeconds: number; sessionSeconds: number; intervalSeconds: number };
  /** Shared rate-limit store; null keeps budgets in process memory. */
  redisUrl: string | null;
  redisKeyPrefix: string;
  /** Fastify trustProxy: false (socket address only), true, a hop count, or trusted addresses. */
  trustProxy: boolean | number | string;
  /** Request, headers, keep-alive and socket-idle limits; none may be off (slowloris). */
  httpTimeouts: HttpTimeouts;
  /** GraphQL websockets per user and per client network on one instance (4429 above). */
  websocket: { maxConnectionsPerUser: number; maxConnectionsPerIp: number };
  /** Account mail: transport (SMTP, development files, or none), sender, app links, templates. */
  mail: MailConfig;
  /** Signup mode, email verification and the lifetimes of mailed tokens. */
  accounts: AccountsConfig;
  /** METRICS_TOKEN: required by GET /metrics from every client when set; null serves loopback peers only. */
  metricsToken: Buffer | null;
}

/** The only reader of process.env. Validates everything up front and returns a frozen object. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const nodeEnv = readEnum(env, "NODE_ENV", NODE_ENVS, "development");
  const production = nodeEnv === "production";
  const databaseUrl = loadDatabaseUrl(env);
  const publicUrl = readPublicUrl(env);
  const accessTokenTtlSeconds = readDuration(env, "ACCESS_TOKEN_TTL", "15m", 1, DAY);
  const sessionMaxAgeSeconds = readDuration(env, "SESSION_MAX_AGE", "90d", 60, 3650 * DAY);
  const config: Config = {
    nodeEnv,
    nodeEnvSet: (env.NODE_ENV ?? "").trim() !== "",
    port: readInt(env, "PORT", 4000, 0, 65535),
    host: readString(env, "HOST", production ? "0.0.0.0" : "127.0.0.1"),
    databaseUrl,
    migrateOnStart: readBool(env, "MIGRATE_ON_START", true),
    jwt: {
      signing: readSigning(env, production, generatedSecretsDir(databaseUrl)),
      // With PUBLIC_URL the issuer is that URL, as OpenID discovery expects; set JWT_ISSUER to keep an older value.
      issuer: readString(env, "JWT_ISSUER", publicUrl ?? DEFAULT_JWT_ISSUER),
      audience: readString(env, "JWT_AUDIENCE", DEFAULT_JWT_AUDIENCE),
      jwksMaxAgeSeconds: readDuration(env, "JWKS_MAX_AGE", "600", 1, DAY),
    },
    publicUrl,
    serviceCredentials: readServiceCredentials(env),
    accessTokenTtlSeconds,
    refreshTokenTtlSeconds: readDuration(env, "REFRESH_TOKEN_TTL", "14d", 60, 3650 * DAY),
    sessionMaxAgeSeconds,
    refreshReuseGraceSeconds: readDuration(env, "REFRESH_REUSE_GRACE", "10s", 0, 300),
    sessionCacheTtlMs: readDuration(env, "SESSION_CACHE_TTL", "1s", 0, 600) * 1000,
    argon2: {
      memoryCost: readInt(env, "ARGON2_MEMORY_COST", 19456, 8192, 4 * 1024 * 1024),
      timeCost: readInt(env, "ARGON2_TIME_COST", 2, 1, 100),
      parallelism: readInt(env, "ARGON2_PARALLELISM", 1, 1, 16),
    },
    passwordPepper: readPepper(env),
    bootstrapAdmin: readBootstrapAdmin(env),
    breachCheck: readBreachCheck(env),
    logLevel: readEnum(env, "LOG_LEVEL", LOG_LEVELS, nodeEnv === "test" ? "silent" : "info"),
    logFormat: readEnum(env, "LOG_FORMAT", LOG_FORMATS, "auto"),
    introspection: readBool(env, "INTROSPECTION", !production),
    corsOrigins: readOrigins(env, nodeEnv === "development"),
    corsAllowedHeaders: readHeaderNames(env, "CORS_ALLOWED_HEADERS"),
    rateLimits: readRateLimits(env),
    rateLimitIpv6Prefix: readIpv6PrefixLength(env),
    retention: {
      auditSeconds: readDuration(env, "AUDIT_RETENTION", "90d", 0, 3650 * DAY),
      sessionSeconds: readDuration(env, "SESSION_RETENTION", "30d", 0, 3650 * DAY),
      intervalSeconds: readDuration(env, "RETENTION_INTERVAL", "1h", 60, DAY),
    },
    redisUrl: readRedisUrl(env),
    redisKeyPrefix: readString(env, "REDIS_KEY_PREFIX", "auth:rl"),
    trustProxy: readTrustProxy(env),
    httpTimeouts: readHttpTimeouts(env),
    websocket: {
      maxConnectionsPerUser: readInt(env, "WS_MAX_CONNECTIONS_PER_USER", 20, 1, 10_000),
      maxConnectionsPerIp: readInt(env, "WS_MAX_CONNECTIONS_PER_IP", 100, 1, 100_000),
    },
    mail: readMail(env, production, generatedSecretsDir(databaseUrl)),
    accounts: readAccounts(env),
    metricsToken: readMetricsToken(env),
  };
  if (sessionMaxAgeSeconds < accessTokenTtlSeconds) {
    throw new ConfigError("SESSION_MAX_AGE", "must be at least ACCESS_TOKEN_TTL");
  }
  return deepFreeze(config);
}

/** For tools that only touch the database (`npm run db:migrate`): no secrets required. */
export function loadDatabaseUrl(env: Env = process.env): string {
  const databaseUrl = readString(env, "DATABASE_URL", DEFAULT_DATABASE_URL);
  assertDatabaseUrl(databaseUrl);
  return databaseUrl;
}

/**
 * `users create` without --password-stdin: the new account's password from AUTH_CLI_PASSWORD,
 * exactly as set (spaces belong to it; the password policy judges it). Null when unset or empty.
 */
export function loadCliPassword(env: Env = process.env): string | null {
  const value = env.AUTH_CLI_PASSWORD;
  return value === undefined || value === "" ? null : value;
}

function assertDatabaseUrl(url: string): void {
  if (/^postgres(ql)?:\/\/.+/.test(url) || /^pglite:.+/.test(url)) return;
  throw new ConfigError(
    "DATABASE_URL",
    `unsupported "${url.replace(/:\/\/[^@]*@/, "://***@")}"; use postgresql://user:pass@host:5432/db, pglite:<dir> or pglite:memory`,
  );
}

/** Generated development secrets live beside the embedded database's directory. */
function generatedSecretsDir(databaseUrl: string): string {
  const pgliteDir = /^pglite:(.+)$/.exec(databaseUrl)?.[1];
  return pgliteDir && pgliteDir !== "memory" ? dirname(resolve(pgliteDir)) : resolve(".data");
}

function readRedisUrl(env: Env): string | null {
  const url = readOptional(env, "REDIS_URL");
  if (url === undefined) return null;
  if (!/^rediss?:\/\/.+/.test(url)) throw new ConfigError("REDIS_URL", "expected redis://host:6379 or rediss://…");
  return url;
}

export const MIN_PEPPER_BYTES = 16;

function readPepper(env: Env): Buffer | null {
  const value = readOptional(env, "PASSWORD_PEPPER");
  if (value === undefined) return null;
  const pepper = Buffer.from(value, "utf8");
  if (pepper.length < MIN_PEPPER_BYTES) {
    throw new ConfigError("PASSWORD_PEPPER", `too short (${pepper.length} bytes); use at least ${MIN_PEPPER_BYTES} random bytes, or unset it`);
  }
  return pepper;
}

function readBootstrapAdmin(env: Env): Config["bootstrapAdmin"] {
  const email = readOptional(env, "BOOTSTRAP_ADMIN_EMAIL");
  const password = env.BOOTSTRAP_ADMIN_PASSWORD;
  if (!email && !password) return null;
  if (!email || !password) {
    throw new ConfigError("BOOTSTRAP_ADMIN_EMAIL", "set both BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD, or neither");
  }
  return { email, password };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    const opaque = child instanceof KeyObject || Buffer.isBuffer(child);
    if (child && typeof child === "object" && !Object.isFrozen(child) && !opaque) deepFreeze(child);
  }
  return Object.freeze(value);
}
