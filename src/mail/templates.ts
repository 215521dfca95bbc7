import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MAIL_KINDS, type MailKind, type OutgoingMail, type RenderedMail } from "../auth/mail";
import { ConfigError } from "../config";
import { COMMON_PLACEHOLDERS, DEFAULT_TEMPLATES, eachKind, KIND_PLACEHOLDERS, type MailTemplate, type MailTemplates } from "./default-templates";

export type MailRenderer = (mail: OutgoingMail) => RenderedMail;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PARTS = { subject: ".subject.txt", text: ".txt", html: ".html" } as const;
type Part = keyof typeof PARTS;
const VARIABLE = "MAIL_TEMPLATES_DIR";

/**
 * Reads the overrides once (at start) and returns the renderer. Every template, default or not,
 * is checked here: an unreadable file, an unknown file name or placeholder stops the start.
 */
export function createRenderer(templatesDir: string | null, from: string): MailRenderer {
  const templates = templatesDir === null ? DEFAULT_TEMPLATES : loadTemplates(templatesDir);
  for (const kind of MAIL_KINDS) checkPlaceholders(kind, templates[kind]);
  const appName = displayName(from);
  return (mail) => {
    const template = templates[mail.kind];
    const values = valuesFor(mail, appName);
    return {
      kind: mail.kind,
      from,
      to: mail.to,
      subject: fill(template.subject, values, oneLine),
      text: fill(template.text, values, (value) => value),
      html: fill(template.html, values, escapeHtml),
    };
  };
}

/** The defaults with each `<kind>.subject.txt`, `<kind>.txt` and `<kind>.html` found in `dir` instead. */
function loadTemplates(dir: string): MailTemplates {
  const overrides = new Map<string, string>();
  for (const name of listDir(dir)) {
    if (!/\.(txt|html)$/.test(name)) continue;
    if (!partOf(name)) {
      throw new ConfigError(VARIABLE, `unknown template file "${name}"; expected <kind>.subject.txt, <kind>.txt or <kind>.html with kind one of ${MAIL_KINDS.join(", ")}`);
    }
    overrides.set(name, readTemplate(join(dir, name)));
  }
  return eachKind((kind) => {
    const template = { ...DEFAULT_TEMPLATES[kind] };
    for (const part of Object.keys(PARTS) as Part[]) {
      const file = `${kind}${PARTS[part]}`;
      const override = overrides.get(file);
      if (override !== undefined) template[part] = part === "subject" ? subjectOf(file, override) : override;
    }
    return template;
  });
}

function partOf(name: string): boolean {
  return MAIL_KINDS.some((kind) => Object.values(PARTS).some((suffix) => name === `${kind}${suffix}`));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    throw new ConfigError(VARIABLE, `cannot read the directory ${dir} (${errorCode(error)})`);
  }
}

function readTemplate(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(VARIABLE, `cannot read ${path} (${errorCode(error)})`);
  }
}

function subjectOf(file: string, content: string): string {
  const subject = content.trim();
  if (subject === "" || /[\r\n]/.test(subject)) throw new ConfigError(VARIABLE, `${file} must hold one non-empty line`);
  return subject;
}

function checkPlaceholders(kind: MailKind, template: MailTemplate): void {
  const allowed = [...COMMON_PLACEHOLDERS, ...KIND_PLACEHOLDERS[kind]];
  for (const part of Object.keys(PARTS) as Part[]) {
    for (const [, name = ""] of template[part].matchAll(PLACEHOLDER)) {
      if (!allowed.includes(name)) {
        const where = `${kind}${PARTS[part]}`;
        throw new ConfigError(VARIABLE, `${where}: unknown placeholder {{${name}}}; a ${kind} mail may use ${allowed.map((a) => `{{${a}}}`).join(", ")}`);
      }
    }
  }
}

/** Only the values the kind may show; a value the core failed to provide is a bug, not a blank. */
function valuesFor(mail: OutgoingMail, appName: string): Map<string, string> {
  const values = new Map<string, string>([
    ["email", mail.to],
    ["appName", appName],
  ]);
  for (const name of KIND_PLACEHOLDERS[mail.kind]) {
    const value = name === "link" ? mail.link : mail.facts[name];
    if (value === undefined || value === null) throw new Error(`the ${mail.kind} mail needs ${name === "link" ? "a link" : `facts.${name}`}`);
    values.set(name, value);
  }
  return values;
}

function fill(template: string, values: Map<string, string>, encode: (value: string) => string): string {
  // Checked at load, so every placeholder has a value.
  return template.replace(PLACEHOLDER, (_, name: string) => encode(values.get(name) ?? ""));
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A subject is one header line whatever a value holds. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, " ");
}

/** `Example <no-reply@example.com>` → Example; a bare address gives its domain. */
export function displayName(from: string): string {
  const named = /^\s*(.*?)\s*<[^<>]*>\s*$/.exec(from)?.[1];
  const unquoted = named?.replace(/^"(.*)"$/, "$1").replace(/\\(.)/g, "$1").trim();
  if (unquoted) return unquoted;
  const address = /<([^<>]*)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf("@") + 1).trim();
}

function errorCode(error: unknown): string {
  // Not instanceof Error: errors from node's fs may come from another realm (jest's vm).
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : String(error);
}
