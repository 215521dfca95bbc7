/** Public surface of the database layer: the composition root opens, migrates and builds stores. */
import type { AccountTokenStore } from "../auth/account-token-records";
import type { AuditLog, RetentionStore, SessionStore, UserStore } from "../auth/ports";
import type { SigningKeyStore } from "../auth/signing-key-records";
import type { MailQueue } from "../auth/mail";
import type { Database } from "./database";
import { PrismaAccountTokenStore } from "./prisma-account-token-store";
import { PrismaAuditLog } from "./prisma-audit-log";
import { PrismaMailQueue } from "./prisma-mail-queue";
import { PrismaSessionStore } from "./prisma-session-store";
import { PrismaSigningKeyStore } from "./prisma-signing-key-store";
import { PrismaUserStore } from "./prisma-user-store";
import { sqlRetentionStore } from "./retention-store";

export { openDatabase, startOpeningDatabase, type Database, type OpenDatabaseOptions, type PoolStats, type PrismaAdapterFactory } from "./database";
export { countLiveSessions } from "./live-session-count";
export { DataDirInUseError } from "./data-dir-in-use-error";
export { parseDatabaseUrl, redact as redactDatabaseUrl, type DatabaseTarget } from "./database-url";
export { canonicalizeStoredEmails, type EmailCanonicalization } from "./email-canonicalization";
export { migrate, type MigrateOptions } from "./migrator";
export { migrationStatus, type MigrationState, type MigrationStatus, type MigrationStatusEntry } from "./migration-status";
export { PrismaAccountTokenStore } from "./prisma-account-token-store";
export { PrismaAuditLog } from "./prisma-audit-log";
export { insertOutboxMail } from "./mail-outbox-rows";
export { PrismaMailQueue } from "./prisma-mail-queue";
export { PrismaSessionStore } from "./prisma-session-store";
export { PrismaSigningKeyStore } from "./prisma-signing-key-store";
export { PrismaUserStore } from "./prisma-user-store";
export { sqlRetentionStore } from "./retention-store";
export { isDatabaseUnavailable, toServiceUnavailable } from "./service-unavailable";

export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  retention: RetentionStore;
  signingKeys: SigningKeyStore;
  accountTokens: AccountTokenStore;
  mail: MailQueue;
}

export function createStores(db: Pick<Database, "prisma" | "sql" | "hot">): Stores {
  return {
    users: new PrismaUserStore(db.prisma, db.hot),
    sessions: new PrismaSessionStore(db.prisma, db.hot),
    audit: new PrismaAuditLog(db.prisma, db.hot),
    retention: sqlRetentionStore(db),
    signingKeys: new PrismaSigningKeyStore(db.prisma),
    accountTokens: new PrismaAccountTokenStore(db.prisma),
    mail: new PrismaMailQueue(db.prisma),
  };
}
