import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { readMail } from "../../src/config/mail";

const DATA = "/srv/auth/.data";
const SMTP = "smtp://mailer:hunter2@smtp.example.com:587";

function mailError(env: Record<string, string>, production: boolean): ConfigError {
  try {
    readMail(env, production, DATA);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("readMail", () => {
  it("development without SMTP_URL writes .eml files beside the data, from a local sender, linking to a local app", () => {
    expect(readMail({}, false, DATA)).toEqual({
      transport: { kind: "file", dir: join(DATA, "outbox") },
      from: "GraphQL Auth <no-reply@localhost>",
      appUrl: "http://localhost:5173",
      templatesDir: null,
    });
    expect(readMail({ MAIL_OUTBOX_DIR: "mails" }, false, DATA).transport).toEqual({ kind: "file", dir: resolve("mails") });
  });

  it("production without SMTP_URL has no transport and needs nothing else", () => {
    expect(readMail({}, true, DATA).transport).toBeNull();
  });

  it("SMTP_URL wins over the outbox and keeps its credentials for the transport", () => {
    const env = { SMTP_URL: SMTP, MAIL_FROM: "Example <no-reply@example.com>", APP_URL: "https://app.example.com/", MAIL_TEMPLATES_DIR: "tpl" };
    expect(readMail(env, true, DATA)).toEqual({
      transport: { kind: "smtp", url: SMTP },
      from: "Example <no-reply@example.com>",
      appUrl: "https://app.example.com",
      templatesDir: resolve("tpl"),
    });
    expect(readMail({ SMTP_URL: "smtps://smtp.example.com", MAIL_OUTBOX_DIR: "x" }, false, DATA).transport).toEqual({
      kind: "smtp",
      url: "smtps://smtp.example.com",
    });
  });

  it.each([
    [{ SMTP_URL: "http://mailer:hunter2@smtp.example.com" }, false, "SMTP_URL", /is not an SMTP URL; use smtp:\/\/user:pass@/],
    [{ SMTP_URL: "smtp://mailer:hunter2@" }, false, "SMTP_URL", /not an SMTP URL/],
    [{ SMTP_URL: "mailer:hunter2@smtp.example.com" }, false, "SMTP_URL", /not an SMTP URL/],
    [{ SMTP_URL: "smtp://mailer:hunt@r2@smtp.example.com:99999" }, false, "SMTP_URL", /not an SMTP URL/],
    [{ SMTP_URL: SMTP }, true, "MAIL_FROM", /required with SMTP_URL in production; set e\.g\. MAIL_FROM=/],
    [{ SMTP_URL: SMTP, MAIL_FROM: "no-reply@example.com" }, true, "APP_URL", /required with SMTP_URL in production.*APP_URL=https/],
    [{ MAIL_FROM: "Example" }, false, "MAIL_FROM", /not one address/],
    [{ MAIL_FROM: "a@example.com, b@example.com" }, false, "MAIL_FROM", /not one address/],
    [{ MAIL_FROM: "Example\r\nBcc: x@evil.test <a@example.com>" }, false, "MAIL_FROM", /not one address/],
    [{ APP_URL: "app.example.com" }, false, "APP_URL", /not a base URL/],
    [{ APP_URL: "https://app.example.com/?ref=mail" }, false, "APP_URL", /not a base URL/],
    [{ MAIL_OUTBOX_DIR: "/tmp/outbox" }, true, "MAIL_OUTBOX_DIR", /development only.*set SMTP_URL/],
  ])("rejects %j (production: %s) naming %s", (env, production, variable, message) => {
    const error = mailError(env, production);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
    expect(error.message).not.toMatch(/hunter2|hunt@r2/);
  });

  it("accepts bare and named senders", () => {
    expect(readMail({ MAIL_FROM: "no-reply@example.com" }, false, DATA).from).toBe("no-reply@example.com");
    expect(readMail({ MAIL_FROM: '"Ex, Ample" <no-reply@example.com>' }, false, DATA).from).toBe('"Ex, Ample" <no-reply@example.com>');
  });
});

describe("loadConfig: mail", () => {
  it("puts the development outbox beside the embedded database", () => {
    const config = loadConfig({ JWT_SECRET: "s".repeat(32), DATABASE_URL: "pglite:/srv/auth/db/pglite" });
    expect(config.mail.transport).toEqual({ kind: "file", dir: "/srv/auth/db/outbox" });
    expect(Object.isFrozen(config.mail)).toBe(true);
  });
});
