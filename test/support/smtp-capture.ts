import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

/**
 * A real SMTP server on 127.0.0.1 for tests: mail goes through the whole client stack (TCP, SMTP
 * dialogue, AUTH, MIME) and is parsed back with mailparser, the way a mailbox would see it.
 *
 *   const smtp = await startSmtpCapture({ auth: { user: "mailer", pass: "s3cret" } });
 *   // … configure the server under test with SMTP_URL=smtp.url …
 *   const mail = await smtp.waitFor((m) => m.envelope.to.includes("ada@example.com"));
 *   await smtp.close();
 *
 * Plain SMTP only (STARTTLS is not offered, so clients never try to upgrade to a certificate
 * they cannot verify); AUTH is accepted without TLS for the same reason.
 */
export interface SmtpCaptureOptions {
  /** Require AUTH with these credentials; they are then part of `url`. Default: no AUTH. */
  auth?: { user: string; pass: string };
  /** Wait this long after a message's data before answering it (a slow server). */
  delayMs?: number;
  /** Answer the first N messages with a 451 (temporary failure) instead of accepting them. */
  failFirst?: number;
}

export interface CapturedMail {
  /** The SMTP envelope (MAIL FROM, RCPT TO), which is where the mail was actually delivered. */
  envelope: { from: string; to: string[] };
  /** The From header as mailparser prints it, e.g. `"Example" <no-reply@example.com>`. */
  from: string;
  /** The To header as text. */
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Header name (lower case) → raw value, folded lines joined; the last one wins if repeated. */
  headers: Readonly<Record<string, string>>;
  /** The message exactly as received (RFC 5322). */
  raw: string;
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:<port>, with `user:pass@` when AUTH is required. */
  readonly url: string;
  readonly port: number;
  /** Accepted messages, in arrival order. */
  readonly messages: readonly CapturedMail[];
  /** Messages whose data was received, the refused (failFirst) ones included. */
  readonly attempts: number;
  /** The first message, already received or yet to come, that matches; rejects after `timeoutMs`. */
  waitFor(predicate?: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  close(): Promise<void>;
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const listeners = new Set<() => void>();
  let attempts = 0;

  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      const { user, pass } = options.auth ?? { user: "", pass: "" };
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      return callback(new Error("Invalid username or password"));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      receive(stream, session).then(
        async (mail) => {
          attempts += 1;
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          if (attempts <= (options.failFirst ?? 0)) return callback(temporaryFailure(attempts));
          messages.push(mail);
          for (const listener of listeners) listener();
          return callback(null);
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : "";

  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    get attempts() {
      return attempts;
    },
    waitFor: (predicate = () => true, timeoutMs = 5000) => waitFor(messages, listeners, predicate, timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<CapturedMail> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  const parsed = await simpleParser(raw);
  return {
    envelope: {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
      to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    },
    from: parsed.from?.text ?? "",
    to: addressText(parsed.to),
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : "",
    headers: Object.fromEntries(parsed.headerLines.map(({ key, line }) => [key, line.slice(line.indexOf(":") + 1).replace(/\r?\n\s+/g, " ").trim()])),
    raw,
  };
}

function addressText(to: ParsedMail["to"]): string {
  if (to === undefined) return "";
  return Array.isArray(to) ? to.map((a) => a.text).join(", ") : to.text;
}

function temporaryFailure(attempt: number): Error {
  return Object.assign(new Error(`Try again later (refused message ${attempt})`), { responseCode: 451 });
}

function waitFor(
  messages: readonly CapturedMail[],
  listeners: Set<() => void>,
  predicate: (mail: CapturedMail) => boolean,
  timeoutMs: number,
): Promise<CapturedMail> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = messages.find(predicate);
      if (!found) return;
      clearTimeout(timer);
      listeners.delete(check);
      resolve(found);
    };
    const timer = setTimeout(() => {
      listeners.delete(check);
      const seen = messages.map((m) => `${m.envelope.to.join(",")}: ${m.subject}`).join("; ") || "none";
      reject(new Error(`no matching mail within ${timeoutMs} ms (received: ${seen})`));
    }, timeoutMs);
    listeners.add(check);
    check();
  });
}
