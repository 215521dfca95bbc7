import type { AuthLogger, SecurityEventListener, SecurityMessage } from "../auth";

/**
 * In-process fan-out: delivers synchronously, in subscription order, so this instance's own
 * changes reach its listeners before the request that made them answers.
 */
export class LocalBus {
  // Wrapped, so one function subscribed twice is two subscriptions, each ended on its own.
  private readonly subscriptions = new Set<{ listener: SecurityEventListener }>();

  constructor(private readonly logger: Pick<AuthLogger, "error">) {}

  subscribe(listener: SecurityEventListener): () => void {
    const subscription = { listener };
    this.subscriptions.add(subscription);
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  deliver(message: SecurityMessage): void {
    // A copy: a listener may unsubscribe (itself or another) while being called.
    for (const { listener } of [...this.subscriptions]) {
      try {
        listener(message);
      } catch (error) {
        // One faulty listener must neither starve the others nor fail the change that published.
        this.logger.error({ err: error, event: "security_event_listener_failed", type: message.type }, "security event listener threw");
      }
    }
  }
}
