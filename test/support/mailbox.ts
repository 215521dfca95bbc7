import type { CapturedMail, SmtpCapture } from "./smtp-capture";

/** The app the test servers' mails link to (APP_URL). */
export const APP_URL = "https://app.example.test";

/** The app pages the mailed links open, one per token purpose. */
export type LinkPage = "verify-email" | "reset-password" | "confirm-email-change" | "accept-invite";

/** A mail with a link to `page`, or (a RegExp) a notice whose subject matches. */
export type MailMatch = LinkPage | RegExp;

const TOKEN = "[A-Za-z0-9_-]+";

/**
 * The token of the mail's link to `page`, read from the text part and from the HTML part: both
 * must carry the link (a reader with either kind of client can use it), with the same token.
 */
export function linkToken(mail: CapturedMail, page: LinkPage): string {
  const pattern = new RegExp(`${escapeRegExp(`${APP_URL}/${page}?token=`)}(${TOKEN})`, "g");
  const inText = [...mail.text.matchAll(pattern)].map((m) => m[1]);
  const inHtml = [...mail.html.matchAll(pattern)].map((m) => m[1]);
  if (inText.length === 0 || inHtml.length === 0) {
    throw new Error(`the ${page} link is missing from the ${inText.length === 0 ? "text" : "HTML"} part of "${mail.subject}"`);
  }
  const tokens = new Set([...inText, ...inHtml]);
  const [token] = tokens;
  if (tokens.size !== 1 || token === undefined) throw new Error(`the mail "${mail.subject}" links to several tokens`);
  return token;
}

function matches(mail: CapturedMail, what: MailMatch): boolean {
  return typeof what === "string" ? mail.text.includes(`${APP_URL}/${what}?token=`) : what.test(mail.subject);
}

/**
 * The captured mails as a user's inbox: each `next` hands out a mail (oldest first) that no
 * earlier call returned, so a test reads the mails of one flow in the order they were sent.
 */
export class Mailbox {
  private readonly taken = new Set<CapturedMail>();

  constructor(readonly smtp: SmtpCapture) {}

  async next(to: string, what: MailMatch, timeoutMs = 5000): Promise<CapturedMail> {
    const mail = await this.smtp.waitFor((m) => !this.taken.has(m) && m.envelope.to.includes(to) && matches(m, what), timeoutMs);
    this.taken.add(mail);
    return mail;
  }

  /** The token of the next mail to `to` linking to `page`. */
  async token(to: string, page: LinkPage, timeoutMs?: number): Promise<string> {
    return linkToken(await this.next(to, page, timeoutMs), page);
  }

  /** Every mail received for `to` so far, taken or not. */
  received(to: string, what?: MailMatch): CapturedMail[] {
    return this.smtp.messages.filter((m) => m.envelope.to.includes(to) && (what === undefined || matches(m, what)));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
