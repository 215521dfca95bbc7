import { randomUUID } from "node:crypto";
import { link, mkdir, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Transporter } from "nodemailer";
import type { Clock } from "../auth/clock";
import type { MailSender, RenderedMail } from "../auth/mail";
import { loadNodemailer } from "./load-nodemailer";
import { messageOf } from "./message";

const MAX_SAME_NAME = 100;

/**
 * Development delivery: each mail becomes `<dir>/<time>-<kind>.eml`, a complete RFC 5322 message
 * any mail client opens. Owner-only, since the file holds a live link.
 */
export class FileSender implements MailSender {
  private readonly composer: Transporter;

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
  ) {
    this.composer = loadNodemailer().createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  }

  /** Resolves with the path of the file written. */
  async send(mail: RenderedMail): Promise<string> {
    const info = await this.composer.sendMail(messageOf(mail));
    const eml: unknown = info.message;
    if (!Buffer.isBuffer(eml)) throw new Error("nodemailer's stream transport returned no buffer");
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stamp = this.clock.now().toISOString().replace(/:/g, "-");
    return writeNew(join(this.dir, `${stamp}-${mail.kind}`), eml);
  }
}

/**
 * Never overwrites: two mails of a kind in the same millisecond get `-2`, `-3`… The content is
 * written to a hidden `.partial` file first and hard-linked to its name, so a reader watching the
 * directory (a test, a mail viewer) never sees a half-written `.eml`; `link` fails on an existing
 * name, which keeps the no-overwrite rule atomic too.
 */
async function writeNew(base: string, content: Buffer): Promise<string> {
  const partial = join(dirname(base), `.${basename(base)}.${randomUUID()}.partial`);
  await writeFile(partial, content, { flag: "wx", mode: 0o600 });
  try {
    for (let n = 1; n <= MAX_SAME_NAME; n += 1) {
      const path = `${base}${n === 1 ? "" : `-${n}`}.eml`;
      try {
        await link(partial, path);
        return path;
      } catch (error) {
        if (!(typeof error === "object" && error !== null && "code" in error && error.code === "EEXIST")) throw error;
      }
    }
    throw new Error(`${MAX_SAME_NAME} mails named ${base}*.eml already exist`);
  } finally {
    await unlink(partial).catch(() => undefined);
  }
}
