import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Module } from "../../src/core";
import { openDatabase } from "../../src/db";
import { buildSchema } from "../../src/graphql";
import { printPublishedSchema } from "../../src/graphql/published-schema";
import { MODULES } from "../../src/modules";
import { findProjectRoot } from "../../src/project-root";
import { projectsModule } from "../fixtures/projects";
import { onlyError, startServer, withServer } from "../support/server";

/** The projects example is a test fixture: registered only where a test registers it. */
describe("registering the projects example module", () => {
  it("is not part of the default server: no projects field, no projects migration", async () => {
    await withServer({ env: { LOG_LEVEL: "silent" } }, async (server) => {
      const res = await server.gql("{ myProjects { id } }");
      expect(res.status).toBe(400);
      expect(onlyError(res).extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      const applied = await server.app.db.sql.withSession((s) => s.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"'));
      expect(applied.map((row) => row.migration_name)).not.toContain("20261203120000_projects");
    });
    expect(readFileSync(path.join(findProjectRoot(), "schema.graphql"), "utf8")).not.toContain("Project");
  });

  it("adds Project and its fields, with their policies, to the printed schema", () => {
    const printed = printPublishedSchema(buildSchema([...MODULES, projectsModule]));
    expect(printed).toContain("type Project @auth {");
    expect(printed).toMatch(/allProjects: \[Project!\]! @auth\(requires: ADMIN\)/);
    expect(printed).toMatch(/renameProject\(id: ID!, name: String!\): Project! @auth/);
    expect(printed).toMatch(/me: User! @auth/);
  });

  it("refuses a module that would replace another's service (here the auth core the context trusts)", async () => {
    const impostor: Module = {
      name: "impostor",
      typeDefs: "type Query { impostor: Boolean @public }",
      resolvers: {},
      setup: (core) => ({ services: { auth: core.auth } }),
    };
    const started = startServer({ modules: [...MODULES, impostor], env: { LOG_LEVEL: "silent" } });
    // Closed if it did start, so a failing assertion cannot leave a server running.
    started.then((server) => server.close()).catch(() => undefined);
    await expect(started).rejects.toThrow('Module "impostor" provides the service "auth", already provided by the core.');
  });

  it("refuses a module whose SDL does not build, and closes the database it opened meanwhile", async () => {
    const broken: Module = { name: "broken", typeDefs: "type Query { broken: Nope @public }", resolvers: {} };
    const dir = await mkdtemp(path.join(tmpdir(), "broken-module-"));
    try {
      const databaseUrl = `pglite:${path.join(dir, "data")}`;
      const started = startServer({ modules: [...MODULES, broken], databaseUrl, env: { LOG_LEVEL: "silent" } });
      started.then((server) => server.close()).catch(() => undefined);
      await expect(started).rejects.toThrow(/Nope/);
      // The schema is built while the core opens its database: the failure must not leave it open (locked).
      const reopened = await openDatabase(databaseUrl);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
