/**
 * Resolves on the event loop's next turn, after the promise jobs and I/O callbacks already queued:
 * what a service awaits to let other work (a driver's send, other requests) go first.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
