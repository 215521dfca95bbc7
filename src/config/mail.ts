import { join, resolve } from "node:path";
import { ConfigError } from "./config-error";
import { type Env, parseBaseUrl, readOptional } from "./readers";

export type MailTransportConfig = { kind: "smtp"; url: string } | { kind: "file"; dir: string };

export interface MailConfig {
  /** SMTP_URL; else, outside production, .eml files in MAIL_OUTBOX_DIR; null: no mail can be sent. */
  transport: MailTransportConfig | null;
  /** MAIL_FROM: the From header, e.g. `Example <no-reply@example.com>`. */
  from: string;
  /** APP_URL: the frontend whose pages the mails link to, without a trailing slash. */
  appUrl: string;
  /** MAIL_TEMPLATES_DIR: overrides of the default templates; null uses the defaults. */
  templatesDir: string | null;
}

export const DEFAULT_MAIL_FROM = "GraphQL Auth <no-reply@localhost>";
export const DEFAULT_APP_URL = "http://localhost:5173";

/**
 * SMTP_URL, MAIL_FROM, APP_URL, MAIL_OUTBOX_DIR, MAIL_TEMPLATES_DIR. In production a server that
 * sends real mail must say who sends it and where its links point; nothing is guessed there.
 */
export function readMail(env: Env, production: boolean, dataDir: string): MailConfig {
  const smtpUrl = readSmtpUrl(env);
  const sendsRealMail = production && smtpUrl !== null;
  const templatesDir = readOptional(env, "MAIL_TEMPLATES_DIR");
  return {
    transport: smtpUrl !== null ? { kind: "smtp", url: smtpUrl } : readOutbox(env, production, dataDir),
    from: readFrom(env, sendsRealMail),
    appUrl: readAppUrl(env, sendsRealMail),
    templatesDir: templatesDir === undefined ? null : resolve(templatesDir),
  };
}

function readSmtpUrl(env: Env): string | null {
  const value = readOptional(env, "SMTP_URL");
  if (value === undefined) return null;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || !/^smtps?:$/.test(url.protocol) || url.hostname === "") {
    throw new ConfigError("SMTP_URL", `${JSON.stringify(redactUrl(value))} is not an SMTP URL; use smtp://user:pass@smtp.example.com:587 or smtps://user:pass@smtp.example.com:465`);
  }
  return value;
}

/** Everything before the last "@" may be a password, even in a value that is not a URL. */
function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, "$1***@");
}

/** Development writes every mail to disk; production never does (the files hold live tokens). */
function readOutbox(env: Env, production: boolean, dataDir: string): MailTransportConfig | null {
  const dir = readOptional(env, "MAIL_OUTBOX_DIR");
  if (!production) return { kind: "file", dir: resolve(dir ?? join(dataDir, "outbox")) };
  if (dir !== undefined) {
    throw new ConfigError("MAIL_OUTBOX_DIR", "is for development only (mails on disk hold live links); in production set SMTP_URL");
  }
  return null;
}

function readFrom(env: Env, required: boolean): string {
  const value = readOptional(env, "MAIL_FROM");
  if (value === undefined) {
    if (required) throw new ConfigError("MAIL_FROM", 'required with SMTP_URL in production; set e.g. MAIL_FROM="Example <no-reply@example.com>"');
    return DEFAULT_MAIL_FROM;
  }
  // One address, bare or with a display name; no control characters (header injection).
  if (!/^(?:[^<>\p{Cc}]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/u.test(value)) {
    throw new ConfigError("MAIL_FROM", `${JSON.stringify(value)} is not one address; use e.g. "Example <no-reply@example.com>" or no-reply@example.com`);
  }
  return value;
}

function readAppUrl(env: Env, required: boolean): string {
  const value = readOptional(env, "APP_URL");
  if (value === undefined) {
    if (required) throw new ConfigError("APP_URL", "required with SMTP_URL in production (mail links open its pages); set e.g. APP_URL=https://app.example.com");
    return DEFAULT_APP_URL;
  }
  const url = parseBaseUrl(value);
  if (url === null) throw new ConfigError("APP_URL", `"${value}" is not a base URL; use e.g. https://app.example.com (http or https, no query or credentials)`);
  return url;
}
