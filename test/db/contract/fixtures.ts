import { randomBytes, randomUUID } from "node:crypto";
import type { AccountTokenStore } from "../../../src/auth/account-token-records";
import type { MailKind, MailQueue } from "../../../src/auth/mail";
import type { AuditLog, NewRefreshToken, NewSession, NewUser, RetentionStore, SessionStore, UserStore } from "../../../src/auth/ports";

export interface StoreHarness {
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  retention: RetentionStore;
  accountTokens: AccountTokenStore;
  mail: MailQueue;
  /** Reads one mail_outbox row (no port reads it by id): what AccountTokenStore.issue queued. */
  queuedMail(id: string): Promise<OutboxRow | null>;
  close(): Promise<void>;
}

export interface OutboxRow {
  kind: MailKind;
  recipient: string;
  link: string | null;
  facts: Record<string, string>;
  createdAt: Date;
  nextAttemptAt: Date;
  attempts: number;
}

/** Every suite shares one database, so each test makes its own rows with fresh ids and emails. */
export type GetStores = () => StoreHarness;

/** Fixed instants: the stores must never consult the wall clock. */
export const T0 = new Date("2030-01-01T00:00:00.000Z");

export function at(minutes: number, base: Date = T0): Date {
  return new Date(base.getTime() + minutes * 60_000);
}

export function newUser(overrides: Partial<NewUser> = {}): NewUser {
  const id = randomUUID();
  return { id, email: `${id}@example.test`, passwordHash: `hash-${id}`, role: "USER", createdAt: T0, emailVerified: false, ...overrides };
}

export function newSession(userId: string, overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: randomUUID(),
    userId,
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: at(60 * 24),
    absoluteExpiresAt: at(60 * 24 * 30),
    userAgent: "jest",
    ip: "127.0.0.1",
    credentialVersion: 0,
    ...overrides,
  };
}

export function newToken(sessionId: string, overrides: Partial<NewRefreshToken> = {}): NewRefreshToken {
  return {
    id: randomUUID(),
    tokenHash: randomBytes(32).toString("hex"),
    sessionId,
    parentId: null,
    createdAt: T0,
    expiresAt: at(60 * 24),
    ...overrides,
  };
}

/** A user with one session and its first refresh token, the state right after a login. */
export async function loggedIn(stores: StoreHarness, sessionOverrides: Partial<NewSession> = {}) {
  const user = await stores.users.create(newUser());
  const session = newSession(user.id, sessionOverrides);
  const token = newToken(session.id);
  if (!(await stores.sessions.create(session, token))) throw new Error("loggedIn: session was not created");
  return { user, session, token };
}

/** Reads a token row through the port; the lock is released as soon as the read returns. */
export async function readToken(sessions: SessionStore, tokenHash: string) {
  return sessions.withLockedRefreshToken(tokenHash, async (locked) => locked?.token ?? null);
}

/** The stores are shared by every test, so each case first makes its own admins the only ones. */
export async function onlyAdmins(stores: GetStores, keep: string[]): Promise<void> {
  let after: string | null = null;
  for (;;) {
    const page = await stores().users.list({ first: 100, after });
    for (const u of page) if (u.role === "ADMIN" && !keep.includes(u.id)) await stores().users.setRole(u.id, "USER", at(1));
    if (page.length < 100) return;
    after = page[page.length - 1]?.id ?? null;
  }
}
