import type { AccessTokenService } from "./access-tokens";
import type { AccountTokenStore } from "./account-token-records";
import type { DeferredWork } from "./deferred-work";
import type { MailQueue } from "./mail";
import type { AccountSettings } from "./mailed-tokens";
import type { Auditor } from "./auditor";
import type { Clock } from "./clock";
import type { AttemptGuard } from "./attempt-guard";
import type { PasswordPolicy } from "./password-policy";
import type { AuditLog, PasswordHasher, RateLimiter, RetentionStore, SessionStore, UserStore } from "./ports";
import type { RateLimitAudit } from "./rate-limit-audit";
import type { RandomBytes } from "./refresh-token-codec";
import type { SecurityEventBus } from "./security-events";
import type { SecurityNotifier } from "./security-notifier";
import type { SessionStateCache } from "./session-state-cache";

export interface SessionPolicy {
  /** Idle lifetime of a refresh token; slides on each rotation. */
  refreshTokenTtlMs: number;
  /** Absolute lifetime of a session from login, whatever the rotations. */
  sessionMaxAgeMs: number;
  /** How long a just-rotated token may still be exchanged (concurrent tabs), instead of counting as reuse. */
  reuseGraceMs: number;
}

/** Structured logger shape (pino-compatible). Never pass passwords or tokens in `fields`. */
export interface AuthLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AuthDeps {
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  retention: RetentionStore;
  limiter: RateLimiter;
  refusals: RateLimitAudit;
  hasher: PasswordHasher;
  /** Rules for passwords being chosen (never applied at login). */
  passwordPolicy: PasswordPolicy;
  accessTokens: AccessTokenService;
  cache: SessionStateCache;
  bus: SecurityEventBus;
  /** Services tell committed session, password and role changes through this (cache + bus). */
  notify: SecurityNotifier;
  auditor: Auditor;
  guard: AttemptGuard;
  clock: Clock;
  randomBytes: RandomBytes;
  newId: () => string;
  policy: SessionPolicy;
  logger: AuthLogger;
  accountTokens: AccountTokenStore;
  /** The outbox, for notices that carry no token. */
  mail: MailQueue;
  accounts: AccountSettings;
  /** Called after a mail was queued (committed): the dispatcher sends it soon, off the request. */
  onMailQueued: () => void;
  deferred: DeferredWork;
}
