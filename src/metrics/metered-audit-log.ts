import type { AuditEvent, AuditLog } from "../auth";
import type { AuthOutcomes } from "./auth-outcomes";

/**
 * The audit port with outcome counters in front: the core already records every login, refresh
 * and reuse here, so it needs no knowledge of metrics. Counted before the write, because the
 * action has happened whether or not its audit row can be stored. Rate-limit refusals are counted
 * by the limiter decorator instead: here they arrive coalesced, some only at the next flush.
 */
export function meteredAuditLog(inner: AuditLog, outcomes: AuthOutcomes): AuditLog {
  return {
    record: async (event) => {
      count(event, outcomes);
      await inner.record(event);
    },
    recordOrCount: (event, times) => inner.recordOrCount(event, times),
    list: (page) => inner.list(page),
  };
}

function count(event: AuditEvent, outcomes: AuthOutcomes): void {
  switch (event.type) {
    case "login_succeeded":
      return outcomes.loginSucceeded();
    case "login_failed": {
      // A re-authentication (changePassword, …) is recorded as login_failed with its purpose.
      const purpose = event.detail?.purpose;
      return purpose === undefined ? outcomes.loginFailed(event.detail?.reason) : outcomes.reauthenticationFailed(purpose);
    }
    case "refresh_rotated":
      return outcomes.refreshed(event.detail?.withinGrace === true ? "rotated_in_grace" : "rotated");
    case "refresh_reuse_detected":
      return outcomes.refreshed("reuse_detected");
    default:
      return;
  }
}
