import { AccessTokenService, type AccessTokenSettings } from "./access-tokens";
import { AccountService } from "./account-service";
import { AttemptGuard } from "./attempt-guard";
import { Auditor } from "./auditor";
import type { Clock } from "./clock";
import type { AuthDeps, AuthLogger, SessionPolicy } from "./deps";
import { PasswordPolicy } from "./password-policy";
import type { AuditLog, BreachedPasswordCheck, PasswordHasher, RateLimiter, SessionStore, UserStore } from "./ports";
import type { RandomBytes } from "./refresh-token-codec";
import { PasswordService } from "./password-service";
import { RefreshService } from "./refresh-service";
import { SessionService } from "./session-service";
import { SessionStateCache } from "./session-state-cache";
import { TokenIssuer } from "./token-issuer";
import { UserAdminService } from "./user-admin-service";
import { ViewerResolver } from "./viewer-resolver";

export interface AuthOptions {
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  limiter: RateLimiter;
  hasher: PasswordHasher;
  /** Optional breached-password corpus, consulted where passwords are chosen. */
  breachCheck?: BreachedPasswordCheck | null;
  clock: Clock;
  randomBytes: RandomBytes;
  newId: () => string;
  logger: AuthLogger;
  accessToken: AccessTokenSettings;
  policy: SessionPolicy;
  /** Upper bound on how stale a revocation or role change may be seen by another instance. */
  sessionCacheTtlMs: number;
}

export interface Auth {
  accounts: AccountService;
  refresh: RefreshService;
  passwords: PasswordService;
  sessions: SessionService;
  admin: UserAdminService;
  viewers: ViewerResolver;
}

export function createAuth(options: AuthOptions): Auth {
  const { sessionCacheTtlMs, accessToken, breachCheck, ...rest } = options;
  const auditor = new Auditor(rest);
  const deps: AuthDeps = {
    ...rest,
    auditor,
    guard: new AttemptGuard({ ...rest, auditor }),
    passwordPolicy: new PasswordPolicy(breachCheck ?? null),
    accessTokens: new AccessTokenService(accessToken, options.clock, options.newId),
    cache: new SessionStateCache((id) => options.sessions.findState(id), options.clock, sessionCacheTtlMs),

  };
  const issuer = new TokenIssuer(deps);
  const viewers = new ViewerResolver(deps);
  return {
    accounts: new AccountService(deps, issuer),
    refresh: new RefreshService(deps, issuer),
    passwords: new PasswordService(deps, issuer),
    sessions: new SessionService(deps, viewers),
    admin: new UserAdminService(deps),
    viewers,
  };
}
