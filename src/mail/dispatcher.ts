import type { Logger } from "pino";
import type { Clock } from "../auth/clock";
import type { MailQueue, MailSender, QueuedMail, RenderedMail } from "../auth/mail";
import type { MailRenderer } from "./templates";

export interface MailDispatcherDeps {
  queue: MailQueue;
  sender: MailSender;
  render: MailRenderer;
  clock: Clock;
  logger: Pick<Logger, "info" | "warn" | "error">;
}

export interface MailDispatcherOptions {
  /** How long a claimed mail is ours; another instance may take it over after that. */
  leaseMs?: number;
  /** Mails claimed per query. */
  batchSize?: number;
  /** Attempts before giving up on a mail (its link is then erased). */
  maxAttempts?: number;
  /** Wait after the first failure, doubled after each next one… */
  backoffBaseMs?: number;
  /** …up to this. */
  backoffMaxMs?: number;
  /** How soon after kick() the run starts; kicks within it share one run. */
  kickDelayMs?: number;
}

const DEFAULTS: Required<MailDispatcherOptions> = {
  leaseMs: 60_000,
  batchSize: 10,
  maxAttempts: 8,
  backoffBaseMs: 30_000,
  backoffMaxMs: 3_600_000,
  kickDelayMs: 50,
};
const MAX_ERROR_LENGTH = 300;

type Outcome = { delivery: string } | { error: string; permanent: boolean };

/**
 * Sends what the outbox holds, after the transactions that queued it committed, so no answer
 * waits for SMTP. At-least-once: a mail whose send outlives its lease (or whose process dies
 * before markSent) is sent again; nothing is lost. Logs never carry a link (a live token).
 */
export class MailDispatcher {
  private readonly options: Required<MailDispatcherOptions>;
  private running: Promise<void> | null = null;
  private again = false;
  private signals: AbortSignal[] = [];
  private kickTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly deps: MailDispatcherDeps,
    options: MailDispatcherOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Schedules a run soon; for callers that just queued mail. Never throws, never waits. */
  kick(): void {
    if (this.stopped || this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = null;
      this.runDue().catch((error: unknown) =>
        this.deps.logger.error({ event: "mail_dispatch_failed", err: error }, "mail dispatch failed; the periodic run retries"),
      );
    }, this.options.kickDelayMs);
    this.kickTimer.unref();
  }

  /**
   * Sends every due mail, batch after batch. A call during a run joins it (and makes it look
   * again once done), so runs never overlap within an instance. Rejects if the queue fails.
   */
  runDue(stopping?: AbortSignal): Promise<void> {
    if (this.running) {
      if (stopping) this.signals.push(stopping);
      this.again = true;
      return this.running;
    }
    if (this.stopped || stopping?.aborted) return Promise.resolve();
    this.signals = stopping ? [stopping] : [];
    const run = this.loop().finally(() => {
      this.running = null;
      this.signals = [];
    });
    this.running = run;
    return run;
  }

  /** No new runs; waits for the mail being sent, if any (the rest stay queued). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.kickTimer = null;
    await this.running?.catch(() => undefined);
  }

  private halted(): boolean {
    return this.stopped || this.signals.some((signal) => signal.aborted);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.drain();
    } while (this.again && !this.halted());
  }

  private async drain(): Promise<void> {
    const { queue, clock } = this.deps;
    const { leaseMs, batchSize } = this.options;
    while (!this.halted()) {
      const now = clock.now();
      const leaseEnd = now.getTime() + leaseMs;
      const batch = await queue.claimDue(now, new Date(leaseEnd), batchSize);
      for (const mail of batch) {
        if (this.halted()) return;
        // Past half the lease, a slow send could outlive it and race another instance's resend:
        // leave the rest of the batch to be claimed again.
        if (clock.now().getTime() > leaseEnd - leaseMs / 2) break;
        await this.deliver(mail);
      }
      if (batch.length < batchSize) return;
    }
  }

  private async deliver(mail: QueuedMail): Promise<void> {
    const outcome = await this.attempt(mail);
    const { queue, clock, logger } = this.deps;
    const at = clock.now();
    const facts = { mailId: mail.id, kind: mail.kind, attempts: mail.attempts };
    if ("delivery" in outcome) {
      await queue.markSent(mail.id, at);
      logger.info({ event: "mail_sent", ...facts, to: mail.to, delivery: outcome.delivery }, "mail sent");
      return;
    }
    if (outcome.permanent || mail.attempts >= this.options.maxAttempts) {
      await queue.markFailed(mail.id, at, outcome.error, null);
      logger.error({ event: "mail_failed", ...facts, to: mail.to, error: outcome.error }, "mail not sent; giving up on it");
      return;
    }
    const retryAt = new Date(at.getTime() + this.backoffMs(mail.attempts));
    await queue.markFailed(mail.id, at, outcome.error, retryAt);
    logger.warn({ event: "mail_retry", ...facts, retryAt: retryAt.toISOString(), error: outcome.error }, "mail not sent; will retry");
  }

  /** Rendering fails only for a mail the core built wrong: retrying would not help. */
  private async attempt(mail: QueuedMail): Promise<Outcome> {
    let rendered: RenderedMail;
    try {
      rendered = this.deps.render(mail);
    } catch (error) {
      return { error: `cannot render: ${errorLine(error, mail.link)}`, permanent: true };
    }
    try {
      return { delivery: await this.deps.sender.send(rendered) };
    } catch (error) {
      return { error: errorLine(error, mail.link), permanent: false };
    }
  }

  private backoffMs(attempts: number): number {
    const { backoffBaseMs, backoffMaxMs } = this.options;
    return Math.min(backoffBaseMs * 2 ** Math.max(0, attempts - 1), backoffMaxMs);
  }
}

/** One short line for the log and the row, the link cut out in case a server echoed it. */
function errorLine(error: unknown, link: string | null): string {
  const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
  const line = (message.split(/\r?\n/)[0] ?? "").trim() || "unknown error";
  const safe = link ? line.split(link).join("[link]") : line;
  return safe.length > MAX_ERROR_LENGTH ? `${safe.slice(0, MAX_ERROR_LENGTH)}…` : safe;
}
