import { MODULES } from "../../src/modules";
import { projectsModule } from "../fixtures/projects";
import { type GqlResponse, login, onlyError, type Pair, signup, startServer, type TestServer } from "../support/server";

const ADMIN = { email: "root@example.com", password: "admin password 1" };
const FIELDS = "id name ownerId createdAt";
const PROJECT = `query($id: ID!) { project(id: $id) { ${FIELDS} } }`;
const RENAME = `mutation($id: ID!, $name: String!) { renameProject(id: $id, name: $name) { ${FIELDS} } }`;
const DELETE = "mutation($id: ID!) { deleteProject(id: $id) }";
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

interface ProjectView {
  id: string;
  name: string;
  ownerId: string;
  createdAt: string;
}

/**
 * docs/extending.md's worked example, proven end to end: the projects fixture module served by a
 * real server (HTTP, JWTs, argon2, its own Prisma client on the core's adapter, its migration)
 * with nothing but the public module API. Run once per database engine.
 */
export function describeProjectsModule(engine: string, databaseUrl: () => Promise<{ url: string; drop(): Promise<void> }>) {
  describe(`the projects example module on ${engine}`, () => {
    let server: TestServer;
    let drop: () => Promise<void>;
    let n = 0;
    const user = () => signup(server, `projects${++n}@example.com`);
    const admin = async () => (await login(server, ADMIN.email, ADMIN.password)).body.data?.login as Pair;
    const as = <T = Record<string, any>>(who: Pair | null, query: string, variables: object = {}): Promise<GqlResponse<T>> =>
      server.gql<T>(query, variables, who ? { token: who.accessToken } : {});
    const create = async (owner: Pair, name = "Apollo"): Promise<ProjectView> => {
      const res = await as<{ createProject: ProjectView }>(owner, `mutation($n: String!) { createProject(name: $n) { ${FIELDS} } }`, { n: name });
      if (!res.body.data?.createProject) throw new Error(`createProject failed: ${JSON.stringify(res.body.errors)}`);
      return res.body.data.createProject;
    };
    const sql = <R extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
      server.app.db.sql.withSession((session) => session.query<R>(text, params));
    const storedRow = async (id: string) => (await sql("SELECT name, owner_id FROM projects WHERE id = $1", [id]))[0] ?? null;

    beforeAll(async () => {
      const db = await databaseUrl();
      drop = db.drop;
      server = await startServer({
        databaseUrl: db.url,
        modules: [...MODULES, projectsModule],
        env: { LOG_LEVEL: "silent", BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
      });
    });
    afterAll(async () => {
      await server?.close();
      await drop?.();
    });

    it("applies the module's migration at start, after the core's, and records it", async () => {
      const rows = await sql<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations" ORDER BY started_at, migration_name');
      const names = rows.map((row) => row.migration_name);
      expect(names.at(-1)).toBe("20261203120000_projects");
      expect(names).toEqual([...names].sort());
      expect(names.length).toBeGreaterThan(1);
    });

    it("the owner creates, reads, lists, renames and deletes a project", async () => {
      const owner = await user();
      const project = await create(owner, "  Apollo  ");
      expect(project).toEqual({ id: expect.any(String), name: "Apollo", ownerId: owner.user.id, createdAt: expect.any(String) });
      expect((await as(owner, PROJECT, { id: project.id })).body).toEqual({ data: { project } });
      const second = await create(owner, "Gemini");
      expect((await as(owner, `{ myProjects { ${FIELDS} } }`)).body.data?.myProjects).toEqual([second, project]);
      const renamed = await as(owner, RENAME, { id: project.id, name: "Artemis" });
      expect(renamed.body).toEqual({ data: { renameProject: { ...project, name: "Artemis" } } });
      expect((await as(owner, DELETE, { id: project.id })).body).toEqual({ data: { deleteProject: true } });
      expect(await storedRow(project.id)).toBeNull();
      // Gone is answered like not yours (see the next test): the same FORBIDDEN.
      expect(onlyError(await as(owner, PROJECT, { id: project.id })).extensions).toEqual({ code: "FORBIDDEN" });
    });

    it("another USER gets FORBIDDEN on read, rename and delete, the same as for an unknown id, and nothing changes", async () => {
      const [owner, other] = [await user(), await user()];
      const project = await create(owner);
      const attempts: Array<[string, object]> = [
        [PROJECT, { id: project.id }],
        [RENAME, { id: project.id, name: "Mine now" }],
        [DELETE, { id: project.id }],
      ];
      for (const [query, variables] of attempts) {
        const denied = await as(other, query, variables);
        // Nothing answered: data is null, or { project: null } for the nullable read.
        expect(Object.values(denied.body.data ?? {}).filter((value) => value !== null)).toEqual([]);
        const error = onlyError(denied);
        expect(error.extensions).toEqual({ code: "FORBIDDEN" });
        // An unknown (or malformed) id cannot be told apart: ids of others' projects cannot be probed.
        for (const id of [UNKNOWN_ID, "not-a-uuid"]) {
          expect(onlyError(await as(other, query, { ...variables, id }))).toEqual(error);
        }
      }
      expect(await storedRow(project.id)).toEqual({ name: "Apollo", owner_id: owner.user.id });
      expect((await as(other, "{ myProjects { id } }")).body.data?.myProjects).toEqual([]);
    });

    it("an ADMIN reads, lists, renames and deletes anyone's project, and is told when an id is unknown", async () => {
      const [owner, root] = [await user(), await admin()];
      const project = await create(owner);
      expect((await as(root, PROJECT, { id: project.id })).body.data?.project).toEqual(project);
      expect((await as(root, "{ allProjects { id } }")).body.data?.allProjects).toContainEqual({ id: project.id });
      expect((await as(root, RENAME, { id: project.id, name: "Moderated" })).body.data?.renameProject.name).toBe("Moderated");
      expect(await storedRow(project.id)).toEqual({ name: "Moderated", owner_id: owner.user.id });
      expect((await as(root, DELETE, { id: project.id })).body.data?.deleteProject).toBe(true);
      expect((await as(root, PROJECT, { id: project.id })).body).toEqual({ data: { project: null } });
      expect((await as(root, DELETE, { id: project.id })).body).toEqual({ data: { deleteProject: false } });
      expect(onlyError(await as(root, RENAME, { id: UNKNOWN_ID, name: "x" })).extensions).toEqual({ code: "BAD_USER_INPUT", field: "id" });
    });

    it("anonymous callers get UNAUTHENTICATED and write nothing", async () => {
      const before = await sql("SELECT id FROM projects");
      for (const query of ["{ myProjects { id } }", `{ project(id: "${UNKNOWN_ID}") { id } }`, 'mutation { createProject(name: "x") { id } }']) {
        expect(onlyError(await as(null, query)).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
      }
      expect(await sql("SELECT id FROM projects")).toEqual(before);
    });

    it("allProjects is FORBIDDEN for a USER", async () => {
      const res = await as(await user(), "{ allProjects { id } }");
      expect(res.body.data ?? null).toBeNull();
      expect(onlyError(res).extensions).toEqual({ code: "FORBIDDEN" });
    });

    it("a USER's mixed operation (createProject beside setUserRole) is denied as a whole: no project row", async () => {
      const member = await user();
      const res = await as(member, 'mutation($id: ID!) { createProject(name: "sneaky") { id } setUserRole(userId: $id, role: ADMIN) { id } }', {
        id: member.user.id,
      });
      expect(onlyError(res).extensions).toEqual({ code: "FORBIDDEN" });
      expect(await sql("SELECT id FROM projects WHERE owner_id = $1", [member.user.id])).toEqual([]);
    });

    it("validates names: trimmed, 1 to 200 characters, no control characters (BAD_USER_INPUT on name)", async () => {
      const owner = await user();
      const project = await create(owner, "😀".repeat(200));
      expect([...project.name]).toHaveLength(200);
      for (const name of ["", "   ", "x".repeat(201), "nul\u0000byte", "lone \ud800"]) {
        const created = await as(owner, "mutation($n: String!) { createProject(name: $n) { id } }", { n: name });
        expect([name, onlyError(created).extensions]).toEqual([name, { code: "BAD_USER_INPUT", field: "name" }]);
        const renamed = await as(owner, RENAME, { id: project.id, name });
        expect([name, onlyError(renamed).extensions]).toEqual([name, { code: "BAD_USER_INPUT", field: "name" }]);
      }
      expect((await as(owner, "{ myProjects { name } }")).body.data?.myProjects).toEqual([{ name: project.name }]);
    });

    it("deleting the user deletes their projects (ON DELETE CASCADE)", async () => {
      const owner = await user();
      const project = await create(owner);
      await sql("DELETE FROM users WHERE id = $1", [owner.user.id]);
      expect(await storedRow(project.id)).toBeNull();
    });
  });
}
