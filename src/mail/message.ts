import type { SendMailOptions } from "nodemailer";
import type { RenderedMail } from "../auth/mail";

/** What both transports send: the rendered parts, marked as machine-sent. */
export function messageOf(mail: RenderedMail): SendMailOptions {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // RFC 3834: out-of-office and other auto-responders must not answer (or loop on) these mails.
    headers: { "Auto-Submitted": "auto-generated" },
  };
}
