import { collectDefaultMetrics, Registry } from "prom-client";

let shared: Registry | null = null;

/**
 * The process's own metrics (CPU, memory, event-loop lag, GC, handles), on a registry of their
 * own, never prom-client's global one. They describe the process, not a server, and
 * collectDefaultMetrics starts an event-loop monitor and a GC observer that it never stops:
 * created once per process, on first use, so a process running many servers (the tests) does not
 * pile them up.
 */
export function processMetrics(): Registry {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  return shared;
}
