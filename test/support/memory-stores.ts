import { MemoryAccountTokenStore } from "./memory/memory-account-token-store";
import { MemoryAuditLog } from "./memory/memory-audit-log";
import { MemoryMailQueue } from "./memory/memory-mail-queue";
import { MemoryRetention } from "./memory/memory-retention";
import { MemorySessionStore } from "./memory/memory-session-store";
import { MemorySigningKeyStore } from "./memory/memory-signing-key-store";
import { MemoryUserStore } from "./memory/memory-user-store";

/**
 * In-memory implementations of the storage ports for unit tests of pure auth logic. They run
 * the same contract suite as the Prisma adapters (test/db/memory.store.test.ts), so a test that
 * passes against them is not passing against a looser model of storage.
 */
export { MemoryAccountTokenStore, MemoryAuditLog, MemoryRetention, MemorySessionStore, MemorySigningKeyStore, MemoryUserStore };

export function memoryStores() {
  const users = new MemoryUserStore();
  const sessions = new MemorySessionStore(users);
  const audit = new MemoryAuditLog();
  users.sessions = sessions;
  users.audit = audit;
  sessions.audit = audit;
  users.dependents.push(sessions);
  const mail = new MemoryMailQueue();
  const accountTokens = new MemoryAccountTokenStore(users, sessions, mail);
  return { users, sessions, audit, accountTokens, mail, retention: new MemoryRetention(sessions, audit, accountTokens, mail) };
}
