import { ACCOUNT_ENV, adminToken, dataOf, errorOf, me, OPS, signupPair } from "../support/accounts";
import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { type SmtpCapture, startSmtpCapture } from "../support/smtp-capture";
import { twoInstancesOnOneDatabase } from "../support/two-instances";
import { refusedWithin } from "./accounts-admin";
import { describeAccounts } from "./accounts";

describeWithPostgres("accounts over HTTP on PostgreSQL", () => {
  describeAccounts("PostgreSQL", () => createTestDatabase());

  // B's cached session state outlives the test unless A's disable reaches B (LISTEN/NOTIFY).
  describe("two instances sharing the database", () => {
    let smtp: SmtpCapture;
    beforeAll(async () => {
      smtp = await startSmtpCapture();
    });
    afterAll(() => smtp?.close());
    const { a, b } = proxy(twoInstancesOnOneDatabase(() => ({ env: { ...ACCOUNT_ENV, SMTP_URL: smtp.url, SESSION_CACHE_TTL: "30s" } })));

    it("disableUser on A refuses the user's access token on B within 1 s, though B had it cached as live", async () => {
      const pair = await signupPair(a(), "cross-instance@example.test");
      expect(dataOf(await me(b(), pair.accessToken)).me.id).toBe(pair.user.id);
      const admin = await adminToken(a());
      const disabledAt = Date.now();
      expect(dataOf(await a().gql(OPS.disableUser, { u: pair.user.id }, { token: admin })).disableUser.disabled).toBe(true);
      await refusedWithin(b(), pair.accessToken, 1000 - (Date.now() - disabledAt));
      expect(errorOf(await me(b(), pair.accessToken))).toEqual({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
    });
  });
});

/** The instances exist only once the suite started: read them lazily. */
function proxy(instances: ReturnType<typeof twoInstancesOnOneDatabase>) {
  return { a: () => instances.a, b: () => instances.b };
}
