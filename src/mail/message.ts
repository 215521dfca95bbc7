import type { SendMailOptions } from "nodemailer";
import type { RenderedMail } from "../auth/mail";

/** The bare address of MAIL_FROM ("Name <a@b>" or "a@b"), for the SMTP envelope. */
function envelopeSender(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** What both transports send: the rendered parts, marked as machine-sent. */
export function messageOf(mail: RenderedMail): SendMailOptions {
  return {
    from: mail.from,
    // An address object and an explicit envelope: the recipient is exactly the stored address,
    // never re-parsed from a header string (where a comma or a comment would change it).
    to: { name: "", address: mail.to },
    envelope: { from: envelopeSender(mail.from), to: [mail.to] },
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // RFC 3834: out-of-office and other auto-responders must not answer (or loop on) these mails.
    headers: { "Auto-Submitted": "auto-generated" },
  };
}
