import { randomUUID } from "node:crypto";
import { type AuthLogger, type Clock, type SecurityEvent, type SecurityEventBus, type SecurityEventListener, type SigningKeysChanged, systemClock } from "../auth";
import { LocalBus } from "./local-bus";
import type { EventTransport } from "./transport";
import { decodeEvent, encodeEvent } from "./wire";

/**
 * The bus the core publishes to: local listeners first, synchronously, then the transport (if
 * any) for the other instances. What arrives from the transport is delivered locally unless this
 * process sent it, since it was delivered when published.
 */
export class FanoutBus implements SecurityEventBus {
  private readonly local: LocalBus;
  /** Per process, random: tells this process's own echo apart from every other instance's events. */
  private readonly origin = randomUUID();

  constructor(
    private readonly transport: EventTransport | null,
    private readonly logger: AuthLogger,
    clock: Clock = systemClock,
  ) {
    this.local = new LocalBus(logger);
    transport?.start({
      message: (payload) => this.received(payload),
      resync: () => this.local.deliver({ type: "RESYNC", at: clock.now() }),
    });
  }

  publish(event: SecurityEvent | SigningKeysChanged): void {
    this.local.deliver(event);
    this.transport?.send(encodeEvent(event, this.origin));
  }

  subscribe(listener: SecurityEventListener): () => void {
    return this.local.subscribe(listener);
  }

  private received(payload: string): void {
    const received = decodeEvent(payload);
    if (!received) {
      // Another writer on the channel, or another release's format: ignoring it costs at most a delay.
      this.logger.warn({ event: "security_event_malformed", bytes: payload.length }, "ignored a malformed security event");
      return;
    }
    if (received.origin !== this.origin) this.local.deliver(received.event);
  }
}
