import type { AuditEvent, AuditLog, SessionStore } from "../auth";
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

/**
 * The session store with the same counters: a login's, a signup's and a refresh's events are
 * written by the store in the statement that opens or rotates the session, not through the audit
 * port, and are counted once that statement has applied them. Every other method is the inner
 * store's own, called on it.
 */
export function meteredSessionStore(inner: SessionStore, outcomes: AuthOutcomes): SessionStore {
  const metered: Pick<SessionStore, MeteredMethod> = {
    create: async (session, firstToken, audit) => {
      const created = await inner.create(session, firstToken, audit);
      if (created && audit) count(audit, outcomes);
      return created;
    },
    rotate: async (write) => {
      const applied = await inner.rotate(write);
      if (applied) count(write.audit, outcomes);
      return applied;
    },
    rotateByHash: async (rotation) => {
      const rotated = await inner.rotateByHash(rotation);
      if (rotated) count(rotation.audit, outcomes);
      return rotated;
    },
  };
  // Bound once per method, not on every call: findState runs on every authenticated request.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(inner, {
    get(target, property) {
      if (isMetered(property)) return metered[property];
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      let method = bound.get(property);
      if (method === undefined) {
        method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}

type MeteredMethod = "create" | "rotate" | "rotateByHash";
const METERED: ReadonlySet<PropertyKey> = new Set<MeteredMethod>(["create", "rotate", "rotateByHash"]);
const isMetered = (property: PropertyKey): property is MeteredMethod => METERED.has(property);

function count(event: Pick<AuditEvent, "type" | "detail">, outcomes: AuthOutcomes): void {
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
