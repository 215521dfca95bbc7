import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { createLogger } from "../../src/logger";
import {
  ACCOUNT_ENV,
  ADMIN,
  bodyText,
  dataOf,
  errorOf,
  type MailedServer,
  type NewDatabase,
  OPS,
  serverWithMail,
  signupPair,
  within,
} from "../support/accounts";
import { logSink } from "../support/capture";
import { APP_URL, Mailbox } from "../support/mailbox";
import { type TestServer, withServer } from "../support/server";
import { startSmtpCapture } from "../support/smtp-capture";

/** The outbox row of the newest mail to `recipient`, if any. */
function outboxRow(server: TestServer, recipient: string) {
  return server.app.db.prisma.mailOutbox.findFirst({ where: { recipient }, orderBy: { createdAt: "desc" } });
}

/**
 * Waits until the newest mail to `recipient` failed its `attempts`-th attempt with `error` (and
 * so has its retry time; the count alone goes up when the attempt starts).
 */
async function failedAttempt(server: TestServer, recipient: string, attempts: number, error: RegExp): Promise<void> {
  await within(8000, 50, async () => {
    const row = await outboxRow(server, recipient);
    return row !== null && row.attempts === attempts && error.test(row.lastError ?? "") && row.sentAt === null;
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await work();
  return Date.now() - started;
}

/** Mail goes out after the answer, through a durable outbox: slow, refusing and absent SMTP servers. */
export function describeMailDelivery(newDatabase: NewDatabase): void {
  describe("a slow SMTP server (3 s per message)", () => {
    const t = serverWithMail(newDatabase, { capture: { delayMs: 3000 } });

    it("delays no answer: requestPasswordReset, signup and requestEmailVerification answer well under the delay, and the mails arrive", async () => {
      // Structural, not a performance target: an answer that waited for SMTP would take 3 s.
      expect(await timed(async () => dataOf(await t.server.gql(OPS.requestPasswordReset, { e: ADMIN.email })))).toBeLessThan(1500);
      let token = "";
      expect(await timed(async () => (token = (await signupPair(t.server, "slow@example.test")).accessToken))).toBeLessThan(1500);
      expect(await timed(async () => dataOf(await t.server.gql(OPS.requestEmailVerification, {}, { token })))).toBeLessThan(1500);
      await t.mailbox.next(ADMIN.email, "reset-password", 15_000);
      await t.mailbox.next("slow@example.test", "verify-email", 15_000);
      await t.mailbox.next("slow@example.test", "verify-email", 15_000);
    }, 30_000);
  });

  describe("an SMTP server refusing the first 2 messages (451)", () => {
    const t: MailedServer = serverWithMail(newDatabase, { capture: { failFirst: 2 } });

    it("retries with a backoff (30 s, then 60 s, on the server's clock) until the mail is accepted", async () => {
      await t.server.gql(OPS.requestPasswordReset, { e: ADMIN.email });
      await failedAttempt(t.server, ADMIN.email, 1, /refused message 1/);
      t.server.clock.advance(30_000);
      await failedAttempt(t.server, ADMIN.email, 2, /refused message 2/);
      expect(t.smtp.messages).toEqual([]);
      t.server.clock.advance(60_000);
      const mail = await t.mailbox.next(ADMIN.email, "reset-password", 8000);
      expect(t.smtp.attempts).toBe(3);
      expect(mail.subject).toMatch(/Reset your/);
      // Marked sent just after the server accepted it: the live link is erased from the row.
      await within(2000, 50, async () => (await outboxRow(t.server, ADMIN.email))?.sentAt != null);
      expect(await outboxRow(t.server, ADMIN.email)).toMatchObject({ attempts: 3, link: null, failedAt: null });
    }, 30_000);
  });

  it("a mail queued while SMTP is down is sent after a restart on the same database", async () => {
    const dead = await startSmtpCapture();
    await dead.close(); // nothing listens on its port now
    const db = await newDatabase({ durable: true });
    const live = await startSmtpCapture();
    try {
      await withServer({ databaseUrl: db.url, env: { ...ACCOUNT_ENV, SMTP_URL: dead.url } }, async (server) => {
        await server.gql(OPS.requestPasswordReset, { e: ADMIN.email });
        await failedAttempt(server, ADMIN.email, 1, /ECONNREFUSED/);
      });
      await withServer({ databaseUrl: db.url, env: { ...ACCOUNT_ENV, SMTP_URL: live.url } }, async (server) => {
        server.clock.advance(31_000); // past the first retry's backoff
        const token = await new Mailbox(live).token(ADMIN.email, "reset-password", 8000);
        const reset = await server.gql(OPS.resetPassword, { t: token, p: "a fresh admin passphrase" });
        expect(dataOf(reset)).toBeTruthy();
      });
    } finally {
      await live.close();
      await db.drop();
    }
  }, 40_000);

  describe("without SMTP_URL", () => {
    let outbox: string;
    beforeAll(() => {
      outbox = mkdtempSync(join(tmpdir(), "accounts-outbox-"));
    });
    afterAll(() => rmSync(outbox, { recursive: true, force: true }));

    it("in development, writes each mail to MAIL_OUTBOX_DIR as a parseable .eml, and logs its name but never its link", async () => {
      const lines: string[] = [];
      const db = await newDatabase();
      try {
        await withServer(
          { databaseUrl: db.url, env: { ...ACCOUNT_ENV, NODE_ENV: "development", MAIL_OUTBOX_DIR: outbox }, logger: createLogger("trace", logSink(lines)) },
          async (server) => {
            await signupPair(server, "outbox@example.test");
            const emls = (): string[] => readdirSync(outbox).filter((file) => file.endsWith(".eml"));
            const [name] = await within(5000, 50, async () => emls().length > 0).then(emls);
            expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-verify-email\.eml$/);
            const mail = await simpleParser(readFileSync(join(outbox, name ?? "")));
            const text = mail.text ?? "";
            const html = typeof mail.html === "string" ? mail.html : "";
            const token = new RegExp(`${APP_URL}/verify-email\\?token=([A-Za-z0-9_-]+)`).exec(text)?.[1] ?? "";
            expect(html).toContain(`${APP_URL}/verify-email?token=${token}`);
            expect(dataOf(await server.gql(OPS.verifyEmail, { t: token })).verifyEmail.emailVerified).toBe(true);
            const sent = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === "mail_sent");
            expect(sent).toEqual([expect.objectContaining({ kind: "verify-email", delivery: join(outbox, name ?? "") })]);
            expect(token.length).toBeGreaterThan(20);
            expect(lines.join("")).not.toContain(token);
          },
        );
      } finally {
        await db.drop();
      }
    });

    it("in production, every flow that mails answers SERVICE_UNAVAILABLE (MAIL_NOT_CONFIGURED), for known and unknown addresses alike", async () => {
      const db = await newDatabase();
      try {
        await withServer({ databaseUrl: db.url, env: { ...ACCOUNT_ENV, NODE_ENV: "production" } }, async (server) => {
          const known = await bodyText(server, OPS.requestPasswordReset, { e: ADMIN.email });
          const unknown = await bodyText(server, OPS.requestPasswordReset, { e: "nobody@example.test" });
          expect(known.text).toContain('"extensions":{"code":"SERVICE_UNAVAILABLE","reason":"MAIL_NOT_CONFIGURED"');
          expect(unknown).toEqual(known);
          const pair = await signupPair(server, "nomail@example.test");
          expect(errorOf(await server.gql(OPS.requestEmailVerification, {}, { token: pair.accessToken }))).toEqual({
            code: "SERVICE_UNAVAILABLE",
            reason: "MAIL_NOT_CONFIGURED",
          });
        });
      } finally {
        await db.drop();
      }
    });
  });
}
