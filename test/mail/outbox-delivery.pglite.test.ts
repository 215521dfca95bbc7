import { randomUUID } from "node:crypto";
import { fixedClock } from "../../src/auth/clock";
import type { OutgoingMail } from "../../src/auth/mail";
import { type Database, insertOutboxMail, migrate, openDatabase, PrismaMailQueue } from "../../src/db";
import { createLogger } from "../../src/logger";
import { createMailDelivery, MailDispatcher } from "../../src/mail";
import { logSink } from "../support/capture";
import { type SmtpCapture, startSmtpCapture } from "../support/smtp-capture";

const T0 = new Date("2030-01-01T00:00:00.000Z");
const TOKEN = "vt_9f8e7d6c5b4a";

describe("outbox delivery end to end (PGlite, real SMTP)", () => {
  let db: Database | undefined;
  let smtp: SmtpCapture | undefined;
  afterAll(async () => {
    await smtp?.close();
    await db?.close();
  });

  it("a mail queued in a transaction is sent after commit, retried after a refusal, and its link erased", async () => {
    db = await openDatabase("pglite:memory");
    await migrate(db);
    smtp = await startSmtpCapture({ auth: { user: "mailer", pass: "pw" }, failFirst: 1 });
    const clock = fixedClock(T0);
    const lines: string[] = [];
    const delivery = createMailDelivery(
      { transport: { kind: "smtp", url: smtp.url }, from: "Acme <no-reply@acme.example>", appUrl: "https://app.acme.example", templatesDir: null },
      { clock },
    );
    if (!delivery.sender) throw new Error("expected an SMTP sender");
    const queue = new PrismaMailQueue(db.prisma);
    const dispatcher = new MailDispatcher({ queue, sender: delivery.sender, render: delivery.render, clock, logger: createLogger("info", logSink(lines)) });

    const id = randomUUID();
    const mail: OutgoingMail = { kind: "verify-email", to: "ada@example.com", link: `https://app.acme.example/verify-email?token=${TOKEN}`, facts: {} };
    // What the core does: the mail is written with the token, in one transaction.
    await db.prisma.$transaction(async (tx) => insertOutboxMail(tx, id, mail, clock.now()));

    await dispatcher.runDue();
    const retry = await db.prisma.mailOutbox.findUniqueOrThrow({ where: { id } });
    expect(retry).toMatchObject({ attempts: 1, link: mail.link, sentAt: null, nextAttemptAt: new Date(T0.getTime() + 30_000) });
    expect(retry.lastError).toMatch(/451/);

    clock.advance(30_000);
    await dispatcher.runDue();
    const received = await smtp.waitFor((m) => m.envelope.to.includes("ada@example.com"));
    expect(received.subject).toBe("Confirm your email address for Acme");
    expect(received.text).toContain(mail.link);
    const sent = await db.prisma.mailOutbox.findUniqueOrThrow({ where: { id } });
    expect(sent).toMatchObject({ attempts: 2, link: null, sentAt: new Date(T0.getTime() + 30_000), failedAt: null, facts: {} });
    expect(lines.join("")).not.toContain(TOKEN);
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(["mail_retry", "mail_sent"]);
  });
});
