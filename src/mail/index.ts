/** Public surface of mail delivery: rendering, the transports, and the outbox dispatcher. */
import type { Clock } from "../auth/clock";
import type { MailSender } from "../auth/mail";
import type { MailConfig } from "../config";
import { FileSender } from "./file-sender";
import { SmtpSender } from "./smtp-sender";
import { createRenderer, type MailRenderer } from "./templates";

export { MailDispatcher, type MailDispatcherDeps, type MailDispatcherOptions } from "./dispatcher";
export { createRenderer, type MailRenderer } from "./templates";
export { FileSender } from "./file-sender";
export { DEFAULT_SMTP_TIMEOUTS, SmtpSender, type SmtpTimeouts } from "./smtp-sender";

export interface MailDelivery {
  /** Null when no transport is configured (production without SMTP_URL): no mail can be sent. */
  sender: MailSender | null;
  render: MailRenderer;
  /** Where mail goes, for the start-up log; never a credential. */
  description: string;
}

/** Builds the renderer (reading MAIL_TEMPLATES_DIR now: a bad template stops the start) and the transport. */
export function createMailDelivery(config: MailConfig, deps: { clock: Clock }): MailDelivery {
  const render = createRenderer(config.templatesDir, config.from);
  const transport = config.transport;
  if (transport === null) return { sender: null, render, description: "none (SMTP_URL is not set)" };
  if (transport.kind === "file") return { sender: new FileSender(transport.dir, deps.clock), render, description: `.eml files in ${transport.dir}` };
  return { sender: new SmtpSender(transport.url), render, description: smtpServer(transport.url) };
}

/** smtp://user:pass@host:587 → smtp://host:587 */
function smtpServer(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
