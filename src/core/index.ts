/**
 * The public API for building on this server: open the core, define modules. Module authors
 * also use `viewerOf`/`requireOwner` and `GraphQLContext` from src/graphql.
 */
export { defineModule } from "./module";
export type { Module, ModuleCore, ModuleRuntime } from "./module";
export { openCore } from "./open-core";
export type { Core, CoreOverrides } from "./open-core";
export { migrateDatabase, moduleMigrationDirs, readMigrationStatus } from "./migrate-core";
/** Files beside a module's code (`sourcePath(__dirname, "migrations")`), found from dist/ too. */
export { sourcePath } from "../project-root";
export { emailsNeedingAttention, prepareDatabase } from "./prepare-database";
export type { PreparedDatabase } from "./prepare-database";
