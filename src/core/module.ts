import type { Logger } from "pino";
import type { IResolvers } from "@graphql-tools/utils";
import type { Auth, Clock } from "../auth";
import type { Database, PrismaAdapterFactory } from "../db";
import type { GraphQLContext, Services } from "../graphql";

/** What a module's services are built from: the core's own parts, never a transport. */
export interface ModuleCore {
  auth: Auth;
  clock: Clock;
  logger: Logger;
  newId: () => string;
  db: {
    kind: Database["kind"];
    /**
     * The driver adapter the core's Prisma client runs on. A module with its own Prisma models
     * builds its own generated client on it: same pool (or PGlite instance), same timeouts.
     */
    adapter: PrismaAdapterFactory;
  };
}

export interface ModuleRuntime {
  /** Merged into `ctx.services` under the module's keys (declare them on `Services`). */
  services: Partial<Services>;
  /** Called at shutdown, before the database closes (e.g. `prisma.$disconnect()`). */
  close?(): Promise<void>;
}

/**
 * A slice of the API: its SDL, its resolvers, optionally its own tables. The auth API is one of
 * these; a team's `Project` type is another, registered in the same list (src/modules/index.ts).
 */
export interface Module {
  /** Unique, lower-case; used in logs and to namespace nothing else. */
  name: string;
  /** SDL. Root types (`type Query { … }`) of every module are merged; no `extend` needed. */
  typeDefs: string;
  resolvers: IResolvers<unknown, GraphQLContext>;
  /**
   * Folder of committed migrations (`<timestamp>_<name>/migration.sql`, Prisma's layout), applied
   * with the core's in one timestamp order by the same migrator, at start and by `db:migrate`.
   * Give `sourcePath(__dirname, "migrations")`: tsc copies no .sql into dist/.
   */
  migrationsDir?: string;
  /** Builds the module's services once per process. */
  setup?(core: ModuleCore): ModuleRuntime | Promise<ModuleRuntime>;
}

/** Identity with type checking: `export default defineModule({ … })`. */
export function defineModule(module: Module): Module {
  if (!/^[a-z][a-z0-9-]*$/.test(module.name)) throw new Error(`Module name "${module.name}" must be lower-case letters, digits and dashes.`);
  return module;
}
