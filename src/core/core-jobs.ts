import type { Logger } from "pino";
import { type Auth, keyReloadIntervalMs } from "../auth";
import type { Config } from "../config";
import type { MailDispatcher } from "../mail";
import { type BackgroundJobs, startBackgroundJobs } from "./background-jobs";

export type CoreJobs = BackgroundJobs;

/** Rate-limit refusals counted in memory reach the audit trail within this delay. */
const AUDIT_FLUSH_MS = 5_000;
const RETENTION_FIRST_RUN_MS = 60_000;

/** Queued mail is sent at once (kick after commit); this poll catches retries and other instances' mail. */
const MAIL_POLL_MS = 5_000;

export function startCoreJobs(auth: Auth, mail: MailDispatcher | null, config: Readonly<Config>, logger: Logger): CoreJobs {
  const retentionEveryMs = config.retention.intervalSeconds * 1000;
  return startBackgroundJobs(
    [
      ...(mail ? [{ name: "mail outbox", everyMs: MAIL_POLL_MS, firstAfterMs: 0, run: (stopping: AbortSignal) => mail.runDue(stopping) }] : []),
      { name: "rate-limit audit flush", everyMs: AUDIT_FLUSH_MS, run: () => auth.maintenance.flushAudit() },
      // Re-reads the keys (bounding how stale this instance's view can be), retires PREVIOUS keys,
      // rotates on SIGNING_KEY_ROTATION.
      { name: "signing keys", everyMs: keyReloadIntervalMs(config.jwt.jwksMaxAgeSeconds * 1000), run: () => auth.keys.maintain() },
      {
        name: "retention",
        everyMs: retentionEveryMs,
        firstAfterMs: Math.min(RETENTION_FIRST_RUN_MS, retentionEveryMs),
        run: (stopping) => auth.maintenance.retention.run(stopping),
      },
    ],
    logger,
  );
}
