// Prisma CLI configuration. The CLI only generates the client and diffs schemas here; it runs
// its JS schema engine against an in-memory PGlite so no native engine is ever downloaded.
// Applying migrations is the app's job (src/db/migrator.ts).
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => new PrismaPGlite(new PGlite()),
});
