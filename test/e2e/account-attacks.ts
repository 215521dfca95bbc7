import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { onlyError, PAIR_FIELDS, signup, startServer, type TestServer } from "../support/server";
import { type CapturedMail, type SmtpCapture, startSmtpCapture } from "../support/smtp-capture";

const RESET = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const DO_RESET = `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) { ${PAIR_FIELDS} } }`;

function tokenOf(mail: CapturedMail): string {
  const match = /token=([A-Za-z0-9_-]{43})/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no token in mail: ${mail.subject}`);
  return match[1];
}

/**
 * Attacks on the account flows over HTTP with a real SMTP server: concurrency on one token and on
 * one address's budget, IPv6 rotation within a /64, Unicode lookalike addresses.
 */
export function accountAttacks(engine: string, database: () => Promise<{ url: string; drop?: () => Promise<void> }>): void {
  describe(`account flows under attack (${engine})`, () => {
    let smtp: SmtpCapture;
    let server: TestServer;
    let db: { url: string; drop?: () => Promise<void> };

    beforeAll(async () => {
      smtp = await startSmtpCapture();
      db = await database();
      server = await startServer({
        databaseUrl: db.url,
        env: { SMTP_URL: smtp.url, APP_URL: "https://app.example.test", TRUST_PROXY: "127.0.0.1", RATE_LIMIT_MAIL_IP: "1000", RATE_LIMIT_TOKEN_IP: "1000" },
      });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await smtp?.close();
      await db?.drop?.();
    });

    it("50 concurrent resetPassword calls with one token: exactly one new password and one session", async () => {
      await signup(server, "race@example.com");
      expect((await server.gql(RESET, { e: "race@example.com" })).body.data).toEqual({ requestPasswordReset: true });
      const token = tokenOf(await smtp.waitFor((m) => m.to.includes("race@example.com") && /reset-password/.test(m.text)));
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => server.gql<{ resetPassword: { accessToken: string } }>(DO_RESET, { i: { token, newPassword: `new passphrase number ${i}` } })),
      );
      const won = answers.filter((a) => a.body.data?.resetPassword);
      expect(won).toHaveLength(1);
      const reasons = answers.filter((a) => !a.body.data?.resetPassword).map((a) => onlyError(a).extensions);
      expect(reasons.every((e) => e?.code === "INVALID_TOKEN" && e.reason === "USED")).toBe(true);
      const sessions = await server.gql<{ sessions: unknown[] }>("{ sessions { id } }", {}, { token: won[0]?.body.data?.resetPassword.accessToken });
      expect(sessions.body.data?.sessions).toHaveLength(1);
    });

    it("50 concurrent reset requests for one address mail it at most RATE_LIMIT_MAIL_ADDRESS (5) times", async () => {
      await signup(server, "flood@example.com");
      const answers = await Promise.all(Array.from({ length: 50 }, () => server.gql(RESET, { e: "flood@example.com" })));
      const refused = answers.filter((a) => a.body.errors?.[0]?.extensions?.code === "TOO_MANY_REQUESTS");
      expect(answers.length - refused.length).toBe(5);
      await smtp.waitFor((m) => m.to.includes("flood@example.com"));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(smtp.messages.filter((m) => m.to.includes("flood@example.com") && /reset-password/.test(m.text))).toHaveLength(5);
    });

    it("rotating IPv6 addresses inside one /64 shares one network budget", async () => {
      const limited = await startServer({
        databaseUrl: "pglite:memory",
        env: { SMTP_URL: smtp.url, TRUST_PROXY: "127.0.0.1", RATE_LIMIT_MAIL_IP: "3", RATE_LIMIT_MAIL_ADDRESS: "100" },
      });
      try {
        const from = (i: number) => ({ headers: { "x-forwarded-for": `2001:db8:1:2::${(i + 1).toString(16)}` } });
        const answers = [];
        for (let i = 0; i < 6; i++) answers.push(await limited.gql(RESET, { e: `victim${i}@example.com` }, from(i)));
        const codes = answers.map((a) => a.body.errors?.[0]?.extensions?.code ?? "ok");
        expect(codes).toEqual(["ok", "ok", "ok", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
        // Another /64 has its own budget.
        expect((await limited.gql(RESET, { e: "victim@example.com" }, { headers: { "x-forwarded-for": "2001:db8:1:3::1" } })).body.data).toEqual({
          requestPasswordReset: true,
        });
      } finally {
        await limited.close();
      }
    });

    it("a Unicode lookalike of an address is another address: its reset mails nobody", async () => {
      await signup(server, "ada@example.com");
      const before = smtp.messages.length;
      // Cyrillic "а" in the domain, then the same address in upper case with a composed/decomposed local part.
      expect((await server.gql(RESET, { e: "ada@exаmple.com" })).body.data).toEqual({ requestPasswordReset: true });
      expect((await server.gql(RESET, { e: " ADA@EXAMPLE.COM " })).body.data).toEqual({ requestPasswordReset: true });
      const mail = await smtp.waitFor((m) => m.to.includes("ada@example.com") && /reset-password/.test(m.text));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // The signup's verification mail may land in between: only resets count here.
      const resets = smtp.messages.slice(before).filter((m) => /reset-password/.test(m.text));
      expect(resets.map((m) => m.envelope.to)).toEqual([["ada@example.com"]]);
      expect(mail.envelope.to).toEqual(["ada@example.com"]);
      // Invisible characters are refused outright, for everyone alike.
      expect(onlyError(await server.gql(RESET, { e: "ada\u200b@example.com" })).extensions?.code).toBe("BAD_USER_INPUT");
    });
  });
}

export async function postgresDatabase(): Promise<TestDatabase> {
  return createTestDatabase();
}
