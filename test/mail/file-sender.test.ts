import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { fixedClock } from "../../src/auth/clock";
import type { RenderedMail } from "../../src/auth/mail";
import { FileSender } from "../../src/mail/file-sender";

const MAIL: RenderedMail = {
  kind: "verify-email",
  from: "Acme Cloud <no-reply@acme.example>",
  to: "ada@example.com",
  subject: "Confirm your email address — ü",
  text: "Open https://app.example.com/verify?token=abc\n",
  html: "<p><a href=\"https://app.example.com/verify?token=abc\">Confirm</a></p>",
};

describe("FileSender (development outbox)", () => {
  it("writes a parseable RFC 5322 .eml named after the time and kind, owner-only, creating the directory", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "mail-outbox-")), "nested", "outbox");
    const path = await new FileSender(dir, fixedClock("2030-01-02T03:04:05.678Z")).send(MAIL);
    expect(path).toBe(join(dir, "2030-01-02T03-04-05.678Z-verify-email.eml"));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const raw = readFileSync(path);
    expect(raw.toString("latin1")).toMatch(/\r\n\r\n/);
    expect(raw.toString("latin1")).not.toMatch(/[^\r]\n/);
    const parsed = await simpleParser(raw);
    expect(parsed.from?.text).toBe('"Acme Cloud" <no-reply@acme.example>');
    expect(parsed.subject).toBe(MAIL.subject);
    expect(parsed.text).toBe(MAIL.text);
    expect(parsed.html).toBe(MAIL.html);
    expect(parsed.messageId).toMatch(/^<.+@acme\.example>$/);
    expect(parsed.date).toBeInstanceOf(Date);
  });

  it("never overwrites a mail of the same kind written in the same millisecond", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mail-outbox-"));
    const sender = new FileSender(dir, fixedClock("2030-01-02T03:04:05.678Z"));
    const paths = await Promise.all([sender.send(MAIL), sender.send(MAIL), sender.send({ ...MAIL, to: "bob@example.com" })]);
    expect(new Set(paths).size).toBe(3);
    expect(readdirSync(dir).sort()).toEqual([
      "2030-01-02T03-04-05.678Z-verify-email-2.eml",
      "2030-01-02T03-04-05.678Z-verify-email-3.eml",
      "2030-01-02T03-04-05.678Z-verify-email.eml",
    ]);
    const recipients = await Promise.all(paths.map(async (p) => (await simpleParser(readFileSync(p))).to));
    expect(recipients.map((to) => (Array.isArray(to) ? "" : to?.text)).sort()).toEqual(["ada@example.com", "ada@example.com", "bob@example.com"]);
  });
});
