import type { RenderedMail } from "../../src/auth/mail";
import { SmtpSender } from "../../src/mail/smtp-sender";
import { type SmtpCapture, startSmtpCapture } from "../support/smtp-capture";

const MAIL: RenderedMail = {
  kind: "reset-password",
  from: "Acme Cloud <no-reply@acme.example>",
  to: "ada@example.com",
  subject: "Reset your Acme Cloud password — ü",
  text: "Open https://app.example.com/reset?token=abc\n",
  html: "<p><a href=\"https://app.example.com/reset?token=abc\">Reset</a></p>",
};

describe("SmtpSender through a real SMTP server", () => {
  let smtp: SmtpCapture | undefined;
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
  });

  it("authenticates with the credentials in the URL and delivers text and HTML with its headers", async () => {
    smtp = await startSmtpCapture({ auth: { user: "mailer@acme.example", pass: "p@ss:w/rd" } });
    expect(smtp.url).toMatch(/^smtp:\/\/mailer%40acme\.example:p%40ss%3Aw%2Frd@127\.0\.0\.1:\d+$/);
    const messageId = await new SmtpSender(smtp.url).send(MAIL);
    const received = await smtp.waitFor();
    expect(received).toMatchObject({
      envelope: { from: "no-reply@acme.example", to: ["ada@example.com"] },
      from: '"Acme Cloud" <no-reply@acme.example>',
      to: "ada@example.com",
      subject: MAIL.subject,
      text: MAIL.text,
      html: MAIL.html,
    });
    expect(received.headers["message-id"]).toBe(messageId);
    expect(received.headers["auto-submitted"]).toBe("auto-generated");
    expect(received.headers["content-type"]).toMatch(/^multipart\/alternative/);
  });

  it("fails when the server refuses the credentials", async () => {
    smtp = await startSmtpCapture({ auth: { user: "mailer", pass: "right" } });
    const wrong = smtp.url.replace("right", "wrong");
    await expect(new SmtpSender(wrong).send(MAIL)).rejects.toThrow(/Invalid login|535/);
    expect(smtp.attempts).toBe(0);
  });

  it("fails on a temporary refusal, and gives up on a server that stops answering", async () => {
    smtp = await startSmtpCapture({ failFirst: 1, delayMs: 300 });
    const sender = new SmtpSender(smtp.url, { connectionMs: 1000, greetingMs: 1000, socketMs: 5000 });
    await expect(sender.send(MAIL)).rejects.toThrow(/451/);
    await expect(sender.send(MAIL)).resolves.toMatch(/^<.+@acme\.example>$/);
    const impatient = new SmtpSender(smtp.url, { connectionMs: 1000, greetingMs: 1000, socketMs: 100 });
    await expect(impatient.send(MAIL)).rejects.toThrow(/timeout/i);
  });

  it("fails fast when nothing listens", async () => {
    smtp = await startSmtpCapture();
    const closed = smtp.url;
    await smtp.close();
    smtp = undefined;
    await expect(new SmtpSender(closed).send(MAIL)).rejects.toThrow(/ECONNREFUSED/);
  });
});
