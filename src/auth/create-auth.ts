import { AccessTokenService, type AccessTokenSettings } from "./access-tokens";
import { AccountService } from "./account-service";
import type { AccountTokenStore } from "./account-token-records";
import { DeferredWork } from "./deferred-work";
import { EmailService } from "./email-service";
import type { MailQueue } from "./mail";
import { type AccountSettings, MailedTokens } from "./mailed-tokens";
import { PasswordResetService } from "./password-reset-service";
import { SignupService } from "./signup-service";
import { AttemptGuard, type GuardSettings } from "./attempt-guard";
import { Auditor } from "./auditor";
import type { Clock } from "./clock";
import type { AuthDeps, AuthLogger, SessionPolicy } from "./deps";
import { PasswordPolicy } from "./password-policy";
import type {
  AuditLog,
  BreachedPasswordCheck,
  PasswordHasher,
  RateLimiter,
  RateLimitPolicy,
  RetentionStore,
  SessionStore,
  UserStore,
} from "./ports";
import { RateLimitAudit } from "./rate-limit-audit";
import type { RandomBytes } from "./refresh-token-codec";
import { PasswordService } from "./password-service";
import { RefreshService } from "./refresh-service";
import { type RetentionPolicy, RetentionService } from "./retention-service";
import type { SecurityEventBus, SecurityEventSource } from "./security-events";
import { applyToSessionCache, SecurityNotifier } from "./security-notifier";
import { SessionService } from "./session-service";
import { SessionStateCache } from "./session-state-cache";
import { createSigningKeys, type SigningKeySettings } from "./create-signing-keys";
import type { SigningKeys } from "./signing-keys";
import { TokenIssuer } from "./token-issuer";
import { UserAdminService } from "./user-admin-service";
import { ViewerResolver } from "./viewer-resolver";

export interface AuthOptions {
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  retention: RetentionStore;
  limiter: RateLimiter;
  hasher: PasswordHasher;
  /** Optional breached-password corpus, consulted where passwords are chosen. */
  breachCheck?: BreachedPasswordCheck | null;
  clock: Clock;
  randomBytes: RandomBytes;
  newId: () => string;
  logger: AuthLogger;
  accessToken: AccessTokenSettings;
  /** Where signing keys come from; JWKS_MAX_AGE paces their rotation. */
  signingKeys: SigningKeySettings;
  jwksMaxAgeMs: number;
  policy: SessionPolicy;
  /** The limiter's budgets (for audit windows) and how client addresses become keys. */
  rateLimits: GuardSettings & { policy: RateLimitPolicy };
  retentionPolicy: RetentionPolicy;
  /**
   * How long a session's state is reused without a query. Security events from the other instances
   * invalidate it at once; this bounds the staleness when one is lost.
   */
  sessionCacheTtlMs: number;
  /** Fan-out of security events to every instance (this one included). */
  events: SecurityEventBus;
  accountTokens: AccountTokenStore;
  mail: MailQueue;
  accounts: AccountSettings;
  /** Told after each mail is queued (committed), so the dispatcher sends it without waiting for its next poll. */
  onMailQueued: () => void;
}

/** Periodic work the composition root schedules (and runs once more at shutdown). */
export interface AuthMaintenance {
  /** Adds rate-limit refusals counted in memory to their audit rows. */
  flushAudit(): Promise<void>;
  retention: RetentionService;
  /** Waits for work that services do after answering (password reset requests). */
  settle(): Promise<void>;
}

export interface Auth {
  /** Login, account deletion, the bootstrap admin. */
  accounts: AccountService;
  signups: SignupService;
  /** Email verification and email change. */
  emails: EmailService;
  resets: PasswordResetService;
  refresh: RefreshService;
  passwords: PasswordService;
  sessions: SessionService;
  admin: UserAdminService;
  viewers: ViewerResolver;
  /** Security events of every instance, after this instance's session cache has applied them. */
  events: SecurityEventSource;
  /** Signing keys: JWKS, rotation, revocation. `keys.start()` must run before tokens are issued. */
  keys: SigningKeys;
  maintenance: AuthMaintenance;
}

export function createAuth(options: AuthOptions): Auth {
  const { sessionCacheTtlMs, accessToken, signingKeys, jwksMaxAgeMs, rateLimits, retentionPolicy, breachCheck, events: bus, ...rest } = options;
  const auditor = new Auditor(rest);
  const lifetimes = {
    jwksMaxAgeMs,
    accessTokenTtlMs: accessToken.ttlSeconds * 1000,
    clockToleranceMs: accessToken.clockToleranceSeconds * 1000,
  };
  const { keys, ring } = createSigningKeys(signingKeys, lifetimes, { clock: options.clock, logger: options.logger, auditor, bus });
  const refusals = new RateLimitAudit(rest, rateLimits.policy);
  const cache = new SessionStateCache((id) => options.sessions.findState(id), options.clock, sessionCacheTtlMs);
  // First subscriber: every other listener runs after the cache has dropped what went stale.
  bus.subscribe((message) => applyToSessionCache(cache, message));
  const deferred = new DeferredWork(options.logger);
  const deps: AuthDeps = {
    ...rest,
    deferred,
    auditor,
    refusals,
    guard: new AttemptGuard({ ...rest, refusals }, { ipv6PrefixLength: rateLimits.ipv6PrefixLength }),
    passwordPolicy: new PasswordPolicy(breachCheck ?? null),
    accessTokens: new AccessTokenService(accessToken, ring, options.clock, options.newId),
    cache,
    bus,
    notify: new SecurityNotifier({ cache, bus, clock: options.clock, logger: options.logger }),
  };
  const issuer = new TokenIssuer(deps);
  const viewers = new ViewerResolver(deps);
  const tokens = new MailedTokens(deps);
  const accounts = new AccountService(deps, issuer, tokens);
  return {
    accounts,
    signups: new SignupService(deps, accounts, issuer, tokens),
    emails: new EmailService(deps, tokens),
    resets: new PasswordResetService(deps, issuer, tokens),
    refresh: new RefreshService(deps, issuer),
    passwords: new PasswordService(deps, issuer),
    sessions: new SessionService(deps),
    admin: new UserAdminService(deps, accounts, tokens),
    viewers,
    events: { subscribe: (listener) => bus.subscribe(listener) },
    keys,
    maintenance: {
      flushAudit: () => refusals.flush(),
      retention: new RetentionService(deps, retentionPolicy),
      settle: () => deferred.settle(),
    },
  };
}
