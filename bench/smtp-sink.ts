import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * An SMTP server in the bench process that accepts every message and only counts it per
 * recipient (no parsing: the bench needs arrivals, not content). `delayMs` holds each message's
 * answer that long after its data arrived, like a slow relay; it may be changed at any time, and
 * applies to messages whose data arrives afterwards.
 */
export interface SmtpSink {
  readonly url: string;
  delayMs: number;
  /** Messages whose data has arrived and whose answer is being held. */
  readonly holding: number;
  /** Accepted messages for `address` (as sent in RCPT TO). */
  received(address: string): number;
  /** Resolves once `received(address)` reaches `count`; rejects after `timeoutMs`. */
  waitFor(address: string, count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(delayMs = 0): Promise<SmtpSink> {
  const counts = new Map<string, number>();
  let holding = 0;
  let delay = delayMs;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    closeTimeout: 1000,
    // No DNS lookup of 127.0.0.1 per connection: the dispatcher opens one per mail. (smtp-server
    // still waits 100 ms before its greeting, to catch early talkers: about 110 ms per mail.)
    disableReverseLookup: true,
    onData(stream, session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        holding += 1;
        setTimeout(() => {
          holding -= 1;
          for (const rcpt of session.envelope.rcptTo) counts.set(rcpt.address, (counts.get(rcpt.address) ?? 0) + 1);
          callback(null);
        }, delay);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const received = (address: string) => counts.get(address) ?? 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    get delayMs() {
      return delay;
    },
    set delayMs(ms: number) {
      delay = ms;
    },
    get holding() {
      return holding;
    },
    received,
    waitFor: async (address: string, count: number, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (received(address) < count) {
        if (Date.now() > deadline) throw new Error(`${address}: ${received(address)} of ${count} mails within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
