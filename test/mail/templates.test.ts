import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIL_KINDS, type MailKind, type OutgoingMail } from "../../src/auth/mail";
import { ConfigError } from "../../src/config";
import { createRenderer, displayName } from "../../src/mail/templates";

const FROM = "Acme Cloud <no-reply@acme.example>";
const LINK = "https://app.example.com/verify-email?token=tok_abc&x=1";
const FACTS: Record<MailKind, Record<string, string>> = {
  "verify-email": {},
  "reset-password": {},
  "confirm-email-change": {},
  "email-change-notice": { newEmail: "new@example.com" },
  invite: { role: "ADMIN" },
  "signup-existing-account": {},
};
const WITH_LINK: readonly MailKind[] = ["verify-email", "reset-password", "confirm-email-change", "invite"];

function mail(kind: MailKind, overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return { kind, to: "ada@example.com", link: WITH_LINK.includes(kind) ? LINK : null, facts: FACTS[kind], ...overrides };
}

function templatesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mail-templates-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

function startError(dir: string): ConfigError {
  try {
    createRenderer(dir, FROM);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("default templates", () => {
  const render = createRenderer(null, FROM);

  it.each(MAIL_KINDS)("%s: subject, text and HTML, filled, with the link when the kind has one", (kind) => {
    const rendered = render(mail(kind));
    expect(rendered).toMatchObject({ kind, from: FROM, to: "ada@example.com" });
    expect(rendered.subject).toContain("Acme Cloud");
    expect(rendered.subject).not.toMatch(/[\r\n]/);
    for (const body of [rendered.subject, rendered.text, rendered.html]) expect(body).not.toContain("{{");
    expect(rendered.html).toMatch(/^<!doctype html>/);
    const linked = WITH_LINK.includes(kind);
    expect(rendered.text.includes(LINK)).toBe(linked);
    // In HTML the link is escaped (&amp; → &#38;) inside the href and as its visible text.
    expect(rendered.html.includes(`href="${LINK.replace("&", "&#38;")}"`)).toBe(linked);
    expect(rendered.html).not.toContain(LINK);
  });

  it("shows the facts each kind carries", () => {
    expect(render(mail("email-change-notice")).text).toContain("from ada@example.com to new@example.com");
    expect(render(mail("invite")).text).toContain("with the role ADMIN");
  });

  it("HTML-escapes every value in the HTML part only", () => {
    const hostile = "<script>alert('x')</script>\"@evil.test";
    const rendered = render(mail("email-change-notice", { facts: { newEmail: hostile } }));
    expect(rendered.text).toContain(hostile);
    expect(rendered.html).not.toContain("<script>");
    expect(rendered.html).toContain("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;&#34;@evil.test");
  });

  it("keeps the subject on one line whatever a value holds", () => {
    const rendered = createRenderer(null, "Evil\r\nBcc: x@evil.test <a@example.com>")(mail("verify-email"));
    expect(rendered.subject).not.toMatch(/[\r\n]/);
  });

  it("refuses to render a mail without the link or fact its kind shows", () => {
    expect(() => render(mail("reset-password", { link: null }))).toThrow("the reset-password mail needs a link");
    expect(() => render(mail("invite", { facts: {} }))).toThrow("the invite mail needs facts.role");
  });

  it("names the application after MAIL_FROM's display name, else its domain", () => {
    expect(displayName("Acme Cloud <no-reply@acme.example>")).toBe("Acme Cloud");
    expect(displayName('"Acme, Inc." <no-reply@acme.example>')).toBe("Acme, Inc.");
    expect(displayName("no-reply@acme.example")).toBe("acme.example");
    expect(displayName("<no-reply@acme.example>")).toBe("acme.example");
  });
});

describe("overridden templates (MAIL_TEMPLATES_DIR)", () => {
  it("replaces only the parts given, read once at start", () => {
    const dir = templatesDir({
      "verify-email.subject.txt": "  Welcome to {{ appName }}, {{email}}\n",
      "verify-email.html": "<p>Click <a href='{{link}}'>here</a></p>",
      "README.md": "not a template",
    });
    const render = createRenderer(dir, FROM);
    writeFileSync(join(dir, "verify-email.html"), "changed after start");
    const rendered = render(mail("verify-email"));
    expect(rendered.subject).toBe("Welcome to Acme Cloud, ada@example.com");
    expect(rendered.html).toBe(`<p>Click <a href='${LINK.replace("&", "&#38;")}'>here</a></p>`);
    expect(rendered.text).toBe(createRenderer(null, FROM)(mail("verify-email")).text);
    expect(render(mail("invite"))).toEqual(createRenderer(null, FROM)(mail("invite")));
  });

  it.each([
    [{ "reset-password.txt": "Your token: {{token}}" }, /reset-password\.txt: unknown placeholder \{\{token\}\}; a reset-password mail may use \{\{email\}\}, \{\{appName\}\}, \{\{link\}\}/],
    [{ "email-change-notice.html": "<a href='{{link}}'>undo</a>" }, /email-change-notice\.html: unknown placeholder \{\{link\}\}/],
    [{ "verify-email.subject.txt": "Hello {{Email}}" }, /verify-email\.subject\.txt: unknown placeholder \{\{Email\}\}/],
    [{ "verify-email.subject.txt": "Line one\nLine two" }, /verify-email\.subject\.txt must hold one non-empty line/],
    [{ "verify-mail.txt": "{{link}}" }, /unknown template file "verify-mail\.txt"; expected <kind>\.subject\.txt/],
  ])("refuses %j at start", (files, message) => {
    const error = startError(templatesDir(files));
    expect(error.variable).toBe("MAIL_TEMPLATES_DIR");
    expect(error.message).toMatch(message);
  });

  it("refuses a missing directory and an unreadable file at start", () => {
    expect(startError("/nonexistent/templates").message).toMatch(/cannot read the directory \/nonexistent\/templates \(ENOENT\)/);
    const dir = templatesDir({});
    mkdirSync(join(dir, "invite.html"));
    expect(startError(dir).message).toMatch(/cannot read .*invite\.html \(EISDIR\)/);
  });
});
