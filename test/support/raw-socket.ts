import { connect, type Socket } from "node:net";

/** A raw TCP client, for what fetch cannot do: trickle bytes, hold a socket, reuse it by hand. */
export class RawClient {
  received = "";
  readonly closed: Promise<number>;
  private readonly socket: Socket;
  private readonly openedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (this.received += chunk));
    // Writing to a socket the server just closed may fail with EPIPE/ECONNRESET: the close is what counts.
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        clearInterval(this.timer);
        resolve(Date.now() - this.openedAt);
      }),
    );
  }

  static open(baseUrl: string): Promise<RawClient> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname.replace(/^\[|\]$/g, ""), port: Number(port) }, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  write(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Sends `text` one byte every `everyMs` (repeating it if needed) until the socket closes. */
  trickle(text: string, everyMs: number): void {
    let i = 0;
    this.timer = setInterval(() => this.write(text[i++ % text.length] ?? "x"), everyMs);
  }

  /** Ms from connect to the server closing the socket, or null if it is still open after `ms`. */
  async closedWithin(ms: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const open = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
    try {
      return await Promise.race([this.closed, open]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for `count` complete responses (Content-Length framed) and returns them. */
  async responses(count: number, timeoutMs = 5000): Promise<RawResponse[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponses(this.received);
      if (parsed.length >= count) return parsed;
      if (Date.now() > deadline || this.socket.destroyed) throw new Error(`expected ${count} responses, got: ${this.received}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  destroy(): void {
    clearInterval(this.timer);
    this.socket.destroy();
  }
}

export interface RawResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

function parseResponses(raw: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) return out;
    const [statusLine = "", ...lines] = rest.slice(0, end).split("\r\n");
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
    const length = Number(headers["content-length"] ?? 0);
    if (rest.length < end + 4 + length) return out;
    out.push({ status: Number(statusLine.split(" ")[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
}
