import type { Transporter } from "nodemailer";
import type { MailSender, RenderedMail } from "../auth/mail";
import { loadNodemailer } from "./load-nodemailer";
import { messageOf } from "./message";

export interface SmtpTimeouts {
  /** To open the TCP (or TLS) connection. */
  connectionMs: number;
  /** From connected to the server's greeting. */
  greetingMs: number;
  /** Of inactivity on the socket at any later step (a server that stops answering mid-dialogue). */
  socketMs: number;
}

/**
 * Far below nodemailer's defaults (2 min, 30 s, 10 min): a send holds an outbox lease, and a mail
 * whose lease runs out mid-send may be sent a second time by another instance.
 */
export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 20_000 };

/** Delivers through the SMTP server of SMTP_URL (smtp:// with STARTTLS when offered, smtps://; auth in the URL). */
export class SmtpSender implements MailSender {
  private readonly transport: Transporter;

  constructor(url: string, timeouts: SmtpTimeouts = DEFAULT_SMTP_TIMEOUTS) {
    this.transport = loadNodemailer().createTransport({
      url,
      connectionTimeout: timeouts.connectionMs,
      greetingTimeout: timeouts.greetingMs,
      socketTimeout: timeouts.socketMs,
      dnsTimeout: timeouts.connectionMs,
    });
  }

  /** Resolves with the Message-ID the server accepted. */
  async send(mail: RenderedMail): Promise<string> {
    const info = await this.transport.sendMail(messageOf(mail));
    return info.messageId;
  }
}
