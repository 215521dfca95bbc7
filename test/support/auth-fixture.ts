import { createSecretKey, randomBytes, randomUUID } from "node:crypto";
import {
  type AccessTokenSettings,
  type AccountSettings,
  type BreachedPasswordCheck,
  createAuth,
  fixedClock,
  type PasswordHasher,
  secretKeySnapshot,
  type SigningKeySettings,
} from "../../src/auth";
import { type EventTransport, FanoutBus } from "../../src/events";
import { createRateLimiter, type RateLimitPolicy } from "../../src/limits";
import { memoryStores } from "./memory-stores";

/** Generous budgets so tests that are not about rate limits never hit one. */
export const RELAXED_LIMITS: RateLimitPolicy = {
  login_failures: { points: 1000, windowSeconds: 900 },
  login_account: { points: 1000, windowSeconds: 900 },
  login_ip: { points: 100_000, windowSeconds: 900 },
  signup_ip: { points: 100_000, windowSeconds: 3600 },
  refresh_ip: { points: 100_000, windowSeconds: 60 },
  mail_address: { points: 1000, windowSeconds: 3600 },
  mail_ip: { points: 100_000, windowSeconds: 3600 },
  token_ip: { points: 100_000, windowSeconds: 900 },
};

/** Open signup, no verification required, mail on (queued in the memory outbox, never sent). */
export const TEST_ACCOUNTS: AccountSettings = {
  appUrl: "https://app.example.test",
  requireEmailVerification: false,
  signupMode: "open",
  mailEnabled: true,
  tokenTtlMs: { email_verification: 86_400_000, password_reset: 1_800_000, email_change: 3_600_000, invite: 7 * 86_400_000 },
};

export const TEST_SECRET = "test-secret-that-is-at-least-32-bytes-long!!";
export const T0 = new Date("2026-01-01T00:00:00.000Z");

export const TEST_KEY = createSecretKey(Buffer.from(TEST_SECRET));

export function testAccessTokenSettings(overrides: Partial<AccessTokenSettings> = {}): AccessTokenSettings {
  return {
    issuer: "test-issuer",
    audience: "test-audience",
    ttlSeconds: 900,
    clockToleranceSeconds: 5,
    ...overrides,
  };
}

/** Plain-text "hasher" for pure-logic tests; counts calls so constant-work paths can be asserted. */
export class CountingHasher implements PasswordHasher {
  calls = { hash: 0, verify: 0, dummy: 0 };
  async hash(password: string) {
    this.calls.hash++;
    return `plain:${password}`;
  }
  async verify(hash: string, password: string) {
    this.calls.verify++;
    return hash === `plain:${password}` || hash === `legacy:${password}`;
  }
  async verifyDummy() {
    this.calls.dummy++;
  }
  /** Hashes from an older scheme ("legacy:") are "weaker" and get upgraded on login. */
  needsRehash(hash: string) {
    return hash.startsWith("legacy:");
  }
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The request facts every service call carries. */
export const CLIENT = { userAgent: "jest", ip: "127.0.0.1", requestId: "req-test" };

export function authFixture(
  options: {
    reuseGraceMs?: number;
    refreshTokenTtlMs?: number;
    sessionMaxAgeMs?: number;
    limits?: Partial<RateLimitPolicy>;
    breachCheck?: BreachedPasswordCheck;
    transport?: EventTransport;
    signingKeys?: SigningKeySettings;
    jwksMaxAgeMs?: number;
    /** Another fixture's clock and stores: a second instance of the same deployment. */
    clock?: ReturnType<typeof fixedClock>;
    stores?: ReturnType<typeof memoryStores>;
    accounts?: Partial<AccountSettings>;
  } = {},
) {
  const clock = options.clock ?? fixedClock(T0);
  const stores = options.stores ?? memoryStores();
  const { audit } = stores;
  const limits = { ...RELAXED_LIMITS, ...options.limits };
  const limiter = createRateLimiter(limits, { redisUrl: null, keyPrefix: "test" }).limiter;
  const hasher = new CountingHasher();
  const events = new FanoutBus(options.transport ?? null, silentLogger);
  const auth = createAuth({
    ...stores,
    limiter,
    hasher,
    breachCheck: options.breachCheck ?? null,
    clock,
    randomBytes,
    newId: randomUUID,
    logger: silentLogger,
    accessToken: testAccessTokenSettings(),
    signingKeys: options.signingKeys ?? { kind: "fixed", snapshot: secretKeySnapshot(TEST_KEY) },
    jwksMaxAgeMs: options.jwksMaxAgeMs ?? 600_000,
    policy: {
      refreshTokenTtlMs: options.refreshTokenTtlMs ?? 14 * 86400_000,
      sessionMaxAgeMs: options.sessionMaxAgeMs ?? 90 * 86400_000,
      reuseGraceMs: options.reuseGraceMs ?? 10_000,
    },
    rateLimits: { policy: limits, ipv6PrefixLength: 64 },
    retentionPolicy: { auditRetentionMs: 90 * 86400_000, sessionRetentionMs: 30 * 86400_000, batchSize: 2, maxBatchesPerRun: 100 },
    sessionCacheTtlMs: 1000,
    events,
    accounts: { ...TEST_ACCOUNTS, ...options.accounts },
    onMailQueued: () => undefined,
  });
  const client = CLIENT;
  const signup = (email = "ada@example.com", password = "correct horse battery") =>
    auth.signups.signup({ email, password }, client);
  return { auth, clock, stores, audit, limiter, hasher, events, client, signup };
}

/** Resolves a promise expected to reject and returns the error, failing if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; reason?: string; field?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected the promise to reject, but it resolved");
}

/** The viewer an access token resolves to, failing the test when it resolves to none. */
export async function viewerOf(fx: Pick<ReturnType<typeof authFixture>, "auth">, accessToken: string) {
  const viewer = (await fx.auth.viewers.resolve(`Bearer ${accessToken}`)).viewer;
  if (!viewer) throw new Error("expected a viewer");
  return viewer;
}
