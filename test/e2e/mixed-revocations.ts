import { type GqlResponse, login, onlyError, type Pair, PAIR_FIELDS, refresh, signup, startServer, type TestServer } from "../support/server";

const OLD = "correct horse battery";
const NEW = "a completely new password";
const EMAIL = "mixed@example.com";
const ME = "{ me { id } }";
/** Codes an operation may honestly end with in this race; anything else (a 500 from a deadlock) fails. */
const EXPECTED_CODES = new Set(["INVALID_CREDENTIALS", "INVALID_REFRESH_TOKEN", "UNAUTHENTICATED", "SERVICE_UNAVAILABLE"]);

const changePassword = (server: TestServer, token: string) =>
  server.gql<{ changePassword: Pair }>(`mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${PAIR_FIELDS} } }`, {
    i: { currentPassword: OLD, newPassword: NEW },
  }, { token });

/**
 * Fifty operations on one account at once over HTTP — logins with the old password,
 * refreshes, logouts, logoutAll, revokeSession and two password changes — then the state a second
 * later: no operation failed for a reason other than losing the race, and if a password change
 * won, nothing opened with the old password is alive. Run once per database engine.
 */
export function describeMixedRevocations(engine: string, databaseUrl: () => Promise<{ url: string; drop(): Promise<void> }>) {
  describe(`50 mixed credential operations at once on ${engine}`, () => {
    let drop: () => Promise<void>;
    let server: TestServer;

    beforeAll(async () => {
      const db = await databaseUrl();
      drop = db.drop;
      server = await startServer({ databaseUrl: db.url });
    });
    afterAll(async () => {
      await server?.close();
      await drop?.();
    });

    it("ends without errors other than lost races, and no old-password session survives a change", async () => {
      const owner = await signup(server, EMAIL, OLD);
      const pairs: Pair[] = [owner];
      for (let i = 0; i < 11; i++) {
        const res = await login(server, EMAIL, OLD);
        if (!res.body.data?.login) throw new Error(`setup login failed: ${JSON.stringify(res.body)}`);
        pairs.push(res.body.data.login);
      }
      const sessionIds = (await server.gql<{ sessions: Array<{ id: string }> }>("{ sessions { id } }", {}, { token: owner.accessToken })).body.data
        ?.sessions.map((s) => s.id) ?? [];
      const at = (i: number) => pairs[i % pairs.length] as Pair;
      const ops: Array<Promise<GqlResponse>> = [
        changePassword(server, at(0).accessToken),
        changePassword(server, at(1).accessToken),
        ...Array.from({ length: 10 }, () => login(server, EMAIL, OLD)),
        ...Array.from({ length: 10 }, (_, i) => refresh(server, at(i + 2).refreshToken)),
        ...Array.from({ length: 6 }, (_, i) => server.gql("mutation($t: String) { logout(refreshToken: $t) }", { t: at(i + 4).refreshToken })),
        ...Array.from({ length: 6 }, (_, i) => server.gql("mutation { logoutAll }", {}, { token: at(i + 3).accessToken })),
        ...Array.from({ length: 6 }, (_, i) =>
          server.gql("mutation($id: ID!) { revokeSession(id: $id) }", { id: sessionIds[(i * 5) % sessionIds.length] }, { token: at(i + 6).accessToken }),
        ),
        ...Array.from({ length: 10 }, (_, i) => server.gql(ME, {}, { token: at(i).accessToken })),
      ];
      expect(ops).toHaveLength(50);
      const results = await Promise.all(ops);
      const unexpected = results.flatMap((r) => (r.body.errors ?? []).filter((e) => !EXPECTED_CODES.has(e.extensions?.code)));
      expect(unexpected).toEqual([]);

      const changers = [0, 1].filter((i) => results[i]?.body.data?.changePassword);
      expect(changers.length).toBeLessThanOrEqual(1);
      const issued = results.flatMap((r) => {
        const data = r.body.data as { login?: Pair; refreshToken?: Pair } | undefined | null;
        return data?.login ? [data.login] : data?.refreshToken ? [data.refreshToken] : [];
      });
      // Past the per-process session cache.
      server.clock.advance(1500);
      const [winner] = changers;
      if (winner !== undefined) {
        for (const [index, pair] of [...pairs, ...issued].entries()) {
          // The session that changed the password lives on (re-keyed): only its refresh token is dead.
          if (index !== winner) {
            expect(onlyError(await server.gql(ME, {}, { token: pair.accessToken })).extensions).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
          }
          expect(onlyError(await refresh(server, pair.refreshToken)).extensions?.code).toMatch(/^(INVALID_REFRESH_TOKEN|REFRESH_TOKEN_REUSED)$/);
        }
        expect((await login(server, EMAIL, NEW)).body.data?.login).toBeDefined();
      }
      server.clock.reset();
    });
  });
}
