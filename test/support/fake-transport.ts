import type { EventTransport, TransportHandlers } from "../../src/events";

/** A transport the test drives: what the bus sent, and a hand on what arrives from other instances. */
export class FakeTransport implements EventTransport {
  readonly kind = "fake";
  readonly sent: string[] = [];
  private handlers: TransportHandlers | null = null;
  closed = false;

  start(handlers: TransportHandlers): void {
    this.handlers = handlers;
  }
  send(payload: string): void {
    this.sent.push(payload);
  }
  async listening(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {
    this.closed = true;
  }

  /** As if another instance (or this one's echo) published `payload`. */
  receive(payload: string): void {
    this.handler().message(payload);
  }
  /** As after a reconnection. */
  resync(): void {
    this.handler().resync();
  }

  private handler(): TransportHandlers {
    if (!this.handlers) throw new Error("transport not started");
    return this.handlers;
  }
}
