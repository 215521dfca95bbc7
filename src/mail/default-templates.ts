import { MAIL_KINDS, type MailKind } from "../auth/mail";

/** One mail's texts; `{{name}}` placeholders are filled at render (HTML-escaped in `html`). */
export interface MailTemplate {
  subject: string;
  text: string;
  html: string;
}

export type MailTemplates = Readonly<Record<MailKind, MailTemplate>>;

/**
 * The placeholders each kind may use besides `{{email}}` (the recipient) and `{{appName}}` (the
 * display name of MAIL_FROM). A template naming anything else is refused at start, so a typo
 * never sends a mail with a hole in it.
 */
export const KIND_PLACEHOLDERS: Readonly<Record<MailKind, readonly string[]>> = {
  "verify-email": ["link"],
  "reset-password": ["link"],
  "confirm-email-change": ["link"],
  "email-change-notice": ["newEmail"],
  invite: ["link", "role"],
  "signup-existing-account": [],
};
export const COMMON_PLACEHOLDERS = ["email", "appName"] as const;

interface Draft {
  subject: string;
  paragraphs: string[];
  /** The button's label; the mail then carries `{{link}}` as a button and as plain text. */
  action?: string;
}

const DRAFTS: Record<MailKind, Draft> = {
  "verify-email": {
    subject: "Confirm your email address for {{appName}}",
    paragraphs: ["Please confirm that {{email}} is your email address for {{appName}}."],
    action: "Confirm my email address",
  },
  "reset-password": {
    subject: "Reset your {{appName}} password",
    paragraphs: [
      "Someone asked to reset the password of the {{appName}} account for {{email}}.",
      "If it was not you, ignore this message: your password stays as it is.",
    ],
    action: "Choose a new password",
  },
  "confirm-email-change": {
    subject: "Confirm your new email address for {{appName}}",
    paragraphs: [
      "Someone asked to use {{email}} as the email address of a {{appName}} account.",
      "If it was not you, ignore this message: nothing changes.",
    ],
    action: "Confirm the new address",
  },
  "email-change-notice": {
    subject: "Your {{appName}} email address is being changed",
    paragraphs: [
      "Someone asked to change the email address of your {{appName}} account from {{email}} to {{newEmail}}. The change takes effect once the new address is confirmed.",
      "If it was not you, change your password now.",
    ],
  },
  invite: {
    subject: "You are invited to {{appName}}",
    paragraphs: [
      "You are invited to join {{appName}} with the role {{role}}.",
      "If you did not expect this invitation, ignore this message.",
    ],
    action: "Accept the invitation",
  },
  "signup-existing-account": {
    subject: "Sign-up attempt with your {{appName}} address",
    paragraphs: [
      "Someone tried to create a {{appName}} account with {{email}}, but this address already has one. If it was you, sign in instead, or reset your password if you forgot it.",
      "If it was not you, you can ignore this message.",
    ],
  },
};

function text(draft: Draft): string {
  const [first = "", ...rest] = draft.paragraphs;
  const action = draft.action ? [`${draft.action}: {{link}}`] : [];
  return [first, ...action, ...rest].join("\n\n") + "\n";
}

function html(draft: Draft): string {
  const [first = "", ...rest] = draft.paragraphs;
  const action = draft.action
    ? [
        `<p><a href="{{link}}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#ffffff;text-decoration:none;border-radius:6px">${draft.action}</a></p>`,
        `<p style="font-size:13px;color:#555555">Or open this link: <a href="{{link}}">{{link}}</a></p>`,
      ]
    : [];
  const body = [`<p>${first}</p>`, ...action, ...rest.map((p) => `<p>${p}</p>`)].join("\n");
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><title>${draft.subject}</title></head>
<body style="font-family:sans-serif;line-height:1.5;color:#1f2328">
${body}
</body>
</html>
`;
}

export const DEFAULT_TEMPLATES: MailTemplates = eachKind((kind) => {
  const draft = DRAFTS[kind];
  return { subject: draft.subject, text: text(draft), html: html(draft) };
});

/** A record with one entry per kind, so adding a kind cannot leave a hole. */
export function eachKind<T>(build: (kind: MailKind) => T): Record<MailKind, T> {
  return Object.fromEntries(MAIL_KINDS.map((kind) => [kind, build(kind)])) as Record<MailKind, T>;
}
