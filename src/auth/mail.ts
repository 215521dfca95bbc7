/**
 * Mail the account flows send. The core decides *what* to send (kind, recipient, link, facts);
 * rendering (templates) and delivery (SMTP or the development outbox) live in src/mail, behind
 * the MailQueue and MailSender ports. A mail is written to the queue in the same transaction as
 * the token its link carries, and sent after commit by the dispatcher, so the answer never waits
 * for SMTP and a failed send is retried, never lost.
 */
export const MAIL_KINDS = [
  /** `link` opens the app's verify-email page with a verification token. */
  "verify-email",
  /** `link` opens the app's reset-password page. */
  "reset-password",
  /** To the *new* address: `link` opens the app's confirm-email-change page. */
  "confirm-email-change",
  /** To the *old* address: a change to `facts.newEmail` was requested (no link). */
  "email-change-notice",
  /** `link` opens the app's accept-invite page; `facts.role` is the role the invite grants. */
  "invite",
  /** Someone tried to sign up with an address that already has an account (no link). */
  "signup-existing-account",
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** Small, flat facts a template may show (never passwords). */
export type MailFacts = Readonly<Record<string, string>>;

export interface OutgoingMail {
  kind: MailKind;
  to: string;
  /** The page in the app (APP_URL) the mail points to, token included; null for notices. */
  link: string | null;
  facts: MailFacts;
}

export interface QueuedMail extends OutgoingMail {
  id: string;
  /** Delivery attempts so far, this one included once claimed. */
  attempts: number;
  createdAt: Date;
}

/**
 * The durable outbox (table `mail_outbox`). Rows are claimed with a lease so that instances
 * sharing the database never send one mail twice at once; a process that dies mid-send leaves
 * the row to be claimed again when the lease ends (at-least-once delivery).
 */
export interface MailQueue {
  /** Queues one mail outside any other write (notices). */
  enqueue(mail: OutgoingMail, id: string, at: Date): Promise<void>;
  /**
   * Up to `limit` unsent mails due at `now`, oldest first, each now leased until `leaseUntil`
   * (not due again before then) with its attempt counted.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<QueuedMail[]>;
  /** Delivered: the row keeps its facts for the record, but its link (a live token) is erased. */
  markSent(id: string, at: Date): Promise<void>;
  /**
   * Not delivered at `at`: `retryAt` is when to try again, or null to give up (the link is erased
   * then too). `error` is one short line for operators.
   */
  markFailed(id: string, at: Date, error: string, retryAt: Date | null): Promise<void>;
}

/** A rendered message, ready for a transport. */
export interface RenderedMail {
  kind: MailKind;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailSender {
  /**
   * Delivers or throws. Resolves with a secret-free description for the log (an SMTP message id,
   * or the .eml file written in development); never the link.
   */
  send(mail: RenderedMail): Promise<string>;
}
