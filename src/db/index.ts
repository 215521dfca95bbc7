/** Public surface of the database layer: the composition root opens, migrates and builds stores. */
import type { SessionStore, UserStore } from "../auth/ports";
import type { Database } from "./database";
import { PrismaSessionStore } from "./prisma-session-store";
import { PrismaUserStore } from "./prisma-user-store";

export { openDatabase, type Database, type OpenDatabaseOptions } from "./database";
export { parseDatabaseUrl, redact as redactDatabaseUrl, type DatabaseTarget } from "./database-url";
export { migrate, type MigrateOptions } from "./migrator";
export { PrismaSessionStore } from "./prisma-session-store";
export { PrismaUserStore } from "./prisma-user-store";

export interface Stores {
  users: UserStore;
  sessions: SessionStore;
}

export function createStores(db: Pick<Database, "prisma">): Stores {
  return { users: new PrismaUserStore(db.prisma), sessions: new PrismaSessionStore(db.prisma) };
}
