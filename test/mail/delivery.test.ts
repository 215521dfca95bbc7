import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixedClock } from "../../src/auth/clock";
import { ConfigError } from "../../src/config";
import { createMailDelivery } from "../../src/mail";

const clock = fixedClock("2030-01-01T00:00:00.000Z");
const base = { from: "Acme <no-reply@acme.example>", appUrl: "https://app.acme.example", templatesDir: null };

describe("createMailDelivery", () => {
  it("has no sender without a transport, but still renders (and says why nothing goes out)", () => {
    const delivery = createMailDelivery({ ...base, transport: null }, { clock });
    expect(delivery.sender).toBeNull();
    expect(delivery.description).toBe("none (SMTP_URL is not set)");
    expect(delivery.render({ kind: "signup-existing-account", to: "ada@example.com", link: null, facts: {} }).subject).toContain("Acme");
  });

  it("writes .eml files with the file transport", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "mail-delivery-")), "outbox");
    const delivery = createMailDelivery({ ...base, transport: { kind: "file", dir } }, { clock });
    const rendered = delivery.render({ kind: "verify-email", to: "ada@example.com", link: "https://app.acme.example/v?t=1", facts: {} });
    const path = await delivery.sender?.send(rendered);
    expect(readdirSync(dir)).toEqual(["2030-01-01T00-00-00.000Z-verify-email.eml"]);
    expect(path).toBe(join(dir, "2030-01-01T00-00-00.000Z-verify-email.eml"));
    expect(delivery.description).toBe(`.eml files in ${dir}`);
  });

  it("describes the SMTP server without its credentials", () => {
    const delivery = createMailDelivery({ ...base, transport: { kind: "smtp", url: "smtps://mailer:hunter2@smtp.acme.example:465" } }, { clock });
    expect(delivery.description).toBe("smtps://smtp.acme.example:465");
  });

  it("reads the templates at once: a bad override stops the start", () => {
    const dir = mkdtempSync(join(tmpdir(), "mail-templates-"));
    writeFileSync(join(dir, "invite.txt"), "{{token}}");
    expect(() => createMailDelivery({ ...base, transport: null, templatesDir: dir }, { clock })).toThrow(ConfigError);
  });
});
