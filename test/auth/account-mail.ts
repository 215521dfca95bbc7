import type { MailKind } from "../../src/auth";
import type { MemoryMailQueue } from "../support/memory/memory-mail-queue";

/** The mails queued to `to` (oldest first), optionally of one kind. */
export function mailsTo(queue: MemoryMailQueue, to: string, kind?: MailKind) {
  return queue.rows.filter((row) => row.to === to && (kind === undefined || row.kind === kind));
}

/** The token in the newest link of this kind mailed to `to`. */
export function lastToken(queue: MemoryMailQueue, to: string, kind: MailKind): string {
  const link = mailsTo(queue, to, kind).at(-1)?.link;
  if (!link) throw new Error(`no ${kind} mail with a link to ${to}`);
  const token = new URL(link).searchParams.get("token");
  if (!token) throw new Error(`the ${kind} link has no token: ${link}`);
  return token;
}
