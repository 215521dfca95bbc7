import { RATE_BUCKETS, type RateBucket } from "../auth/ports";
import { SIGNUP_MODES } from "../auth/mailed-tokens";
import { BREACH_CHECKS, DEFAULT_HIBP_API_URL } from "./breach-check";
import { DEFAULT_DATABASE_URL, DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_ISSUER, LOG_FORMATS, LOG_LEVELS, MIN_PEPPER_BYTES, NODE_ENVS } from "./config";
import { APOLLO_STUDIO_ORIGIN } from "./cors";
import { MIN_SECRET_BYTES } from "./jwt-secret";
import { KEY_ENCRYPTION_KEY_BYTES } from "./key-encryption-key";
import { DEFAULT_APP_URL, DEFAULT_MAIL_FROM } from "./mail";
import { DEFAULT_IPV6_PREFIX, RATE_LIMIT_DEFAULTS, rateLimitVariable } from "./rate-limits";
import { MIN_SERVICE_SECRET_BYTES } from "./service-credentials";

/** Sections of .env.example, in order. */
export const ENV_GROUPS = [
  "Server",
  "Database",
  "Tokens & keys",
  "Sessions",
  "Passwords",
  "Accounts & mail",
  "CORS & browsers",
  "Rate limits",
  "Websockets",
  "Redis",
  "Operations",
  "CLI",
] as const;
export type EnvGroup = (typeof ENV_GROUPS)[number];

export interface EnvVariable {
  readonly name: string;
  readonly group: EnvGroup;
  /** The default as a person reads it: "15m", "— (none)", "generated in development; required in production". */
  readonly default: string;
  /**
   * A value that means exactly what leaving the variable unset means, whatever else is set: what
   * .env.example writes after `NAME=`. Absent where the default depends on NODE_ENV or another
   * variable, or is no value at all (an uncommented line must never invent a secret or a sender).
   */
  readonly value?: string;
  /** One or two lines. */
  readonly meaning: string;
}

type Entry = Omit<EnvVariable, "group">;
/** A default that is a plain value. */
const is = (name: string, value: string | number | boolean, meaning: string): Entry => ({ name, default: String(value), value: String(value), meaning });
/** A default that is not one value (conditional, generated, or nothing). */
const when = (name: string, byDefault: string, meaning: string): Entry => ({ name, default: byDefault, meaning });
const NONE = "— (unset)";

const RATE_LIMIT_MEANINGS: Readonly<Record<RateBucket, string>> = {
  login_failures: "Failed logins per (email, client network); then that pair's logins are refused until the window passes.",
  login_account: "Failed logins per account from all networks together; then its logins are throttled for everyone.",
  login_ip: "Login attempts per client network across all emails (credential stuffing).",
  signup_ip: "Signups per client network.",
  refresh_ip: "refreshToken calls per client network.",
  mail_address: "Mails one address can be sent (verification, reset, email change, invitation, notices).",
  mail_ip: "Mail-sending requests per client network.",
  token_ip: "Attempts to redeem a mailed token per client network.",
};

function rateLimits(): Entry[] {
  return RATE_BUCKETS.flatMap((bucket) => {
    const name = rateLimitVariable(bucket);
    const { points, window } = RATE_LIMIT_DEFAULTS[bucket];
    return [is(name, points, RATE_LIMIT_MEANINGS[bucket]), is(`${name}_WINDOW`, window, `The window of ${name}.`)];
  });
}

const SECTIONS: Readonly<Record<EnvGroup, readonly Entry[]>> = {
  Server: [
    when("NODE_ENV", "development (with a start-up warning while unset)", `${NODE_ENVS.join(", ")}. Production: secrets required, no Sandbox or introspection by default, no error details.`),
    is("PORT", 4000, "HTTP port."),
    when("HOST", "127.0.0.1 (0.0.0.0 in production)", "Listen address."),
    when("PUBLIC_URL", "— (the listening address)", "Where other services reach this server (https://auth.example.com): discovery URLs and the default JWT_ISSUER. On an existing deployment, set JWT_ISSUER to its current value with it."),
    when("INTROSPECTION", "true (false in production)", "GraphQL introspection, the Apollo Sandbox landing page and GraphiQL at /graphiql."),
    is("TRUST_PROXY", false, "false: the client IP is the socket address. Behind proxies, their count (1) or addresses/CIDRs (10.0.0.0/8,fd00::/8); true believes any client's X-Forwarded-For."),
    is("HTTP_REQUEST_TIMEOUT", "30s", "Time for a whole request (headers and body) to arrive; a slower client gets 408. 1s to 1h."),
    is("HTTP_HEADERS_TIMEOUT", "10s", "Time for the request headers to arrive. At most HTTP_REQUEST_TIMEOUT."),
    is("HTTP_KEEPALIVE_TIMEOUT", "5s", "How long an idle keep-alive connection waits for its next request; behind a load balancer, above its idle timeout. 1s to 10m."),
    is("HTTP_CONNECTION_TIMEOUT", "60s", "A socket with no traffic either way for this long is closed; keep it above your slowest response. 1s to 1h."),
  ],
  Database: [
    is("DATABASE_URL", DEFAULT_DATABASE_URL, "postgresql://user:pass@host:5432/db, pglite:<dir> (embedded; one process at a time) or pglite:memory."),
    is("MIGRATE_ON_START", true, "Apply pending migrations at start."),
  ],
  "Tokens & keys": [
    when("JWT_ALGORITHM", "ES256; HS256 when JWT_SECRET is set", "ES256 (keys in the database, published as a JWKS), RS256 (2048-bit, for verifiers without ECDSA) or HS256 (one shared secret, nothing published)."),
    when("KEY_ENCRYPTION_KEY", "generated in development; required in production under ES256/RS256", `${KEY_ENCRYPTION_KEY_BYTES} random bytes (base64, base64url or hex) sealing the private signing keys in the database: openssl rand -base64 32. Losing it loses the keys.`),
    when("JWT_PRIVATE_KEY_FILE", "— (keys kept in the database)", "A private key file (PEM or JWK; EC P-256 or RSA of at least 2048 bits) that signs instead; rotate by replacing the file."),
    when("SIGNING_KEY_ROTATION", "— (on request only)", "Rotate the database signing keys automatically this often (90d); one instance performs each rotation."),
    is("JWKS_MAX_AGE", "600", "Seconds verifiers may cache the JWKS; a new key signs only after being published this long."),
    when("JWT_SECRET", "generated in development under HS256; required in production for HS256", `The HS256 key, at least ${MIN_SECRET_BYTES} bytes: openssl rand -base64 48.`),
    when("JWT_ISSUER", `PUBLIC_URL, else ${DEFAULT_JWT_ISSUER}`, "The iss claim, checked on verify."),
    is("JWT_AUDIENCE", DEFAULT_JWT_AUDIENCE, "The aud claim, checked on verify."),
    when("SERVICE_CREDENTIALS", "— (no /introspect)", `id:secret,id2:secret2 (secrets of at least ${MIN_SERVICE_SECRET_BYTES} bytes): the services allowed to ask POST /introspect whether a token's session is live.`),
  ],
  Sessions: [
    is("ACCESS_TOKEN_TTL", "15m", "Access JWT lifetime."),
    is("REFRESH_TOKEN_TTL", "14d", "Idle lifetime of a session: each refresh extends it by this much."),
    is("SESSION_MAX_AGE", "90d", "Absolute lifetime of a session from login, whatever the refreshes."),
    is("REFRESH_REUSE_GRACE", "10s", "How long a just-rotated refresh token may be exchanged again (two tabs refreshing at once). 0 to 300s."),
    is("SESSION_CACHE_TTL", "1s", "How long an instance reuses a session's state without a query; bounds staleness if a security event is lost. 0 to 600s."),
  ],
  Passwords: [
    is("ARGON2_MEMORY_COST", 19456, "argon2id memory in KiB (with the two below: the OWASP minimum)."),
    is("ARGON2_TIME_COST", 2, "argon2id iterations."),
    is("ARGON2_PARALLELISM", 1, "argon2id lanes."),
    when("PASSWORD_PEPPER", NONE, `An argon2 secret (at least ${MIN_PEPPER_BYTES} bytes) kept outside the database. Cannot be rotated: changing or removing it breaks every password.`),
    is("PASSWORD_BREACH_CHECK", "off", `${BREACH_CHECKS.join(" or ")}. hibp refuses chosen passwords found in Pwned Passwords (5 hex characters of the SHA-1 are sent; fails open).`),
    is("HIBP_API_URL", DEFAULT_HIBP_API_URL, "Base URL of the Pwned Passwords range API, e.g. a mirror; validated even when the check is off."),
  ],
  "Accounts & mail": [
    when("BOOTSTRAP_ADMIN_EMAIL", NONE, "With BOOTSTRAP_ADMIN_PASSWORD: at start, create this account as ADMIN or promote it. Never resets a password."),
    when("BOOTSTRAP_ADMIN_PASSWORD", NONE, "The bootstrap admin's password when the account is created; held to the password policy at every start."),
    is("SIGNUP_MODE", "open", `${SIGNUP_MODES.join(", ")}. invite: signup needs an invitation for that address; closed: admins create accounts.`),
    is("REQUIRE_EMAIL_VERIFICATION", false, "true: an unverified account cannot sign in (a fresh link is mailed). false: signup signs in at once and mails a link."),
    is("EMAIL_VERIFICATION_TTL", "24h", "How long an email verification link works."),
    is("PASSWORD_RESET_TTL", "30m", "How long a password reset link works."),
    is("EMAIL_CHANGE_TTL", "1h", "How long an email change confirmation link works."),
    is("INVITE_TTL", "7d", "How long an invitation works."),
    when("SMTP_URL", "— (development writes files; production sends no mail)", "smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465: where account mail goes."),
    when("MAIL_FROM", `${DEFAULT_MAIL_FROM}; required in production with SMTP_URL`, "The sender, e.g. Example <no-reply@example.com>; its display name is {{appName}} in templates."),
    when("APP_URL", `${DEFAULT_APP_URL}; required in production with SMTP_URL`, "The frontend the mailed links open (APP_URL/reset-password?token=…)."),
    when("MAIL_OUTBOX_DIR", "outbox beside the embedded database (.data/outbox); refused in production", "Development and test without SMTP_URL: each mail is written here as an .eml file."),
    when("MAIL_TEMPLATES_DIR", "— (built-in templates)", "Your templates: <kind>.subject.txt, <kind>.txt, <kind>.html, each optional; read once at start."),
  ],
  "CORS & browsers": [
    when("CORS_ORIGINS", `${APOLLO_STUDIO_ORIGIN} in development; none otherwise`, "Comma-separated exact browser origins allowed credentialed cross-origin calls; setting it replaces the development default."),
    when("CORS_ALLOWED_HEADERS", "— (the built-in list only)", "Request headers browsers may send beyond the built-in list, comma-separated (x-tenant-id,baggage)."),
  ],
  "Rate limits": [
    ...rateLimits(),
    is("RATE_LIMIT_IPV6_PREFIX", DEFAULT_IPV6_PREFIX, "IPv6 clients share one budget per network of this many leading bits (32 to 128)."),
  ],
  Websockets: [
    is("WS_MAX_CONNECTIONS_PER_USER", 20, "GraphQL websockets one user may hold open on one instance; the next is closed with 4429."),
    is("WS_MAX_CONNECTIONS_PER_IP", 100, "GraphQL websockets per client network on one instance; the next is closed with 4429."),
  ],
  Redis: [
    when("REDIS_URL", "— (budgets in memory, events over PostgreSQL NOTIFY)", "redis://host:6379 or rediss://…: rate-limit budgets shared by every instance, and security events over Redis pub/sub."),
    is("REDIS_KEY_PREFIX", "auth:rl", "Prefix of the Redis keys and events channel: shared by one deployment's instances, distinct across deployments."),
  ],
  Operations: [
    when("LOG_LEVEL", "info (silent when NODE_ENV=test)", `${LOG_LEVELS.join(", ")}. JSON logs (pino); passwords, tokens and cookies are redacted.`),
    is("LOG_FORMAT", "auto", `${LOG_FORMATS.join(", ")}. auto: pretty one-line-per-request logs for a development server in a terminal, JSON otherwise.`),
    when("METRICS_TOKEN", "— (GET /metrics from loopback only)", "Bearer token (at least 32 characters) that GET /metrics then requires from every client, loopback included. openssl rand -hex 32."),
    is("AUDIT_RETENTION", "90d", "Audit events older than this are deleted; 0 keeps them forever."),
    is("SESSION_RETENTION", "30d", "Sessions and refresh tokens that ended longer ago than this are deleted; 0 keeps them."),
    is("RETENTION_INTERVAL", "1h", "How often the retention job runs. 60s to 1d."),
  ],
  CLI: [
    when("AUTH_CLI_PASSWORD", "— (use --password-stdin)", "auth-server users create without --password-stdin: the new account's password, exactly as set."),
  ],
};

/** Every environment variable the server and its CLI read (test/config/catalog.test.ts holds loadConfig to it). */
export const ENV_CATALOG: readonly EnvVariable[] = ENV_GROUPS.flatMap((group) => SECTIONS[group].map((entry) => ({ ...entry, group })));
