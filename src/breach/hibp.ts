import { createHash, timingSafeEqual } from "node:crypto";
import type { AuthLogger, BreachedPasswordCheck } from "../auth";

const DEFAULT_TIMEOUT_MS = 2000;
// A padded range answer is ~30 KB; anything far larger is not the range API.
const MAX_BODY_BYTES = 1024 * 1024;
const PREFIX_LENGTH = 5;

export interface HibpOptions {
  /** Base URL of the range API, without a trailing slash. */
  apiUrl: string;
  logger: AuthLogger;
  timeoutMs?: number;
}

/**
 * Have I Been Pwned's Pwned Passwords, by k-anonymity: only the first 5 hex digits of the
 * password's SHA-1 leave the process, and the answer (padded with decoys, so its size says
 * nothing either) lists every known suffix under that prefix; the match is decided here.
 * Fails open: an unreachable, slow or failing API accepts the password and logs a warning.
 */
export class HibpBreachCheck implements BreachedPasswordCheck {
  private readonly timeoutMs: number;

  constructor(private readonly options: HibpOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async isBreached(password: string): Promise<boolean> {
    const digest = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
    const body = await this.fetchRange(digest.slice(0, PREFIX_LENGTH));
    return body !== null && listsSuffix(body, digest.slice(PREFIX_LENGTH));
  }

  /** The range body, or null (logged) when it cannot be had. Never logs the prefix: it is part of the hash. */
  private async fetchRange(prefix: string): Promise<string | null> {
    try {
      const response = await fetch(`${this.options.apiUrl}/range/${prefix}`, {
        headers: { "Add-Padding": "true", "User-Agent": "graphql-auth-server" },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return this.unavailable({ cause: "status", status: response.status });
      }
      const body = await readBounded(response);
      return body ?? this.unavailable({ cause: "oversized" });
    } catch (error) {
      const name = text(member(error, "name"));
      const timedOut = name === "TimeoutError" || name === "AbortError";
      return this.unavailable({ cause: timedOut ? "timeout" : "network", error: text(member(member(error, "cause"), "code")) });
    }
  }

  private unavailable(fields: Record<string, string | number | null>): null {
    this.options.logger.warn(
      { event: "breach_check_unavailable", ...fields },
      "breached-password check unavailable; password accepted without it",
    );
    return null;
  }
}

/**
 * Looks at every line whatever it finds (no early exit), comparing suffixes with a constant-time
 * equality. Count 0 marks padding, not a breach.
 */
function listsSuffix(body: string, suffix: string): boolean {
  const wanted = Buffer.from(suffix, "latin1");
  let found = false;
  for (const line of body.split("\n")) {
    const [candidate = "", count = ""] = line.trim().split(":");
    const given = Buffer.from(candidate.toUpperCase(), "latin1");
    const same = given.length === wanted.length && timingSafeEqual(given, wanted);
    found = (same && /^\d+$/.test(count) && Number(count) > 0) || found;
  }
  return found;
}

async function readBounded(response: Response): Promise<string | null> {
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream.
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Duck-typed, since fetch's errors may come from another realm than this module's Error. Only
 * names and codes ("TimeoutError", "ECONNREFUSED") are logged, never messages, which may quote
 * the URL.
 */
function member(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
