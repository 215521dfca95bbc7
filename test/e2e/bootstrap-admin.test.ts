import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/config";
import { login, onlyError, signup, startServer, type TestServer, withServer } from "../support/server";

const ADMIN_EMAIL = "root@example.com";
const ADMIN_PASSWORD = "admin password 1";
const BOB_PASSWORD = "bob password 1";

type UserRow = { id: string; email: string; role: string };

function bootstrapEnv(email: string, password: string): Record<string, string> {
  return { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password };
}


async function tokenOf(server: TestServer, email: string, password: string): Promise<{ token: string; role: string }> {
  const res = await login(server, email, password);
  const payload = res.body.data?.login;
  if (!payload) throw new Error(`login of ${email} failed: ${JSON.stringify(res.body.errors)}`);
  return { token: payload.accessToken, role: payload.user.role };
}

async function users(server: TestServer, token: string) {
  return server.gql<{ users: UserRow[] }>("{ users(first: 100) { id email role } }", {}, { token });
}

describe("bootstrap admin", () => {
  let root: string;
  let databaseUrl: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "auth-bootstrap-"));
    databaseUrl = `pglite:${join(root, "pglite")}`;
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("creates an ADMIN on first start, is idempotent on restart, and promotes an existing USER", async () => {
    const bob = await withServer({ databaseUrl, env: bootstrapEnv(ADMIN_EMAIL, ADMIN_PASSWORD) }, async (s) => {
      const admin = await tokenOf(s, ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(admin.role).toBe("ADMIN");
      const list = await users(s, admin.token);
      expect(list.body.errors).toBeUndefined();
      expect(list.body.data?.users).toEqual([expect.objectContaining({ email: ADMIN_EMAIL, role: "ADMIN" })]);

      const pair = await signup(s, "bob@example.com", BOB_PASSWORD);
      expect(onlyError(await users(s, pair.accessToken)).extensions?.code).toBe("FORBIDDEN");
      return pair;
    });

    // Same email, different password: the existing admin's password must not be reset.
    await withServer({ databaseUrl, env: bootstrapEnv(ADMIN_EMAIL, "a different password") }, async (s) => {
      expect(onlyError(await login(s, ADMIN_EMAIL, "a different password")).extensions?.code).toBe("INVALID_CREDENTIALS");
      const admin = await tokenOf(s, ADMIN_EMAIL, ADMIN_PASSWORD);
      expect(admin.role).toBe("ADMIN");
      const list = (await users(s, admin.token)).body.data?.users ?? [];
      expect(list.filter((u) => u.email === ADMIN_EMAIL)).toHaveLength(1);
      expect(list).toHaveLength(2);
    });

    await withServer({ databaseUrl, env: bootstrapEnv("bob@example.com", "ignored password") }, async (s) => {
      // Bob's token from before the restart now carries the promoted role: roles come from the store.
      const list = await users(s, bob.accessToken);
      expect(list.body.errors).toBeUndefined();
      expect(list.body.data?.users.map((u) => [u.email, u.role])).toEqual([
        [ADMIN_EMAIL, "ADMIN"],
        ["bob@example.com", "ADMIN"],
      ]);
      expect((await tokenOf(s, "bob@example.com", BOB_PASSWORD)).role).toBe("ADMIN");
      expect(onlyError(await login(s, "bob@example.com", "ignored password")).extensions?.code).toBe("INVALID_CREDENTIALS");
    });
  });

  it.each([
    ["too short", "short"],
    ["too common", "password1"],
  ])("refuses to start with a BOOTSTRAP_ADMIN_PASSWORD %s", async (_why, password) => {
    const started = startServer({ env: bootstrapEnv("short@example.com", password) });
    const error = await started.then(
      async (server) => {
        await server.close();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable: "BOOTSTRAP_ADMIN_PASSWORD" });
    expect((error as Error).message).toMatch(/^BOOTSTRAP_ADMIN_PASSWORD: /);
  });
});
