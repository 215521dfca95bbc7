import { sleep } from "./accounts";
import { latency } from "./measure";
import type { SmtpSink } from "./smtp-sink";

const REQUEST_RESET = `mutation($e: String!) { requestPasswordReset(email: $e) }`;

/** One requestPasswordReset; anything but `true` aborts the bench (a refusal would time the wrong path). */
export async function requestReset(url: string, email: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: REQUEST_RESET, variables: { e: email } }),
  });
  const body = (await res.json()) as { data?: { requestPasswordReset?: boolean }; errors?: unknown[] };
  if (body.data?.requestPasswordReset !== true) throw new Error(`requestPasswordReset: ${JSON.stringify(body.errors ?? body)}`);
}

export interface KnownUnknownSamples {
  known: number[];
  unknown: number[];
}

/**
 * `pairs` known and `pairs` unknown requests, sequential, in ABBA order (K U, U K, K U, …): drift
 * hits both, and so does the work a request leaves running after its answer (the lookup, and for
 * a known address the token and the queued mail), since each kind follows each kind equally often.
 * Every unknown address is new, as an attacker's guesses would be.
 */
export async function knownVsUnknown(url: string, knownEmail: string, pairs: number, warmup = 10): Promise<KnownUnknownSamples> {
  let n = 0;
  const unknownEmail = () => `nobody-${n++}@bench.example`;
  for (let i = 0; i < warmup; i++) {
    await requestReset(url, knownEmail);
    await requestReset(url, unknownEmail());
  }
  const known: number[] = [];
  const unknown: number[] = [];
  const timeKnown = async () => known.push(...(await latency(() => requestReset(url, knownEmail), 1, 0)));
  const timeUnknown = async () => unknown.push(...(await latency(() => requestReset(url, unknownEmail()), 1, 0)));
  for (let i = 0; i < pairs; i++) {
    const [first, second] = i % 2 === 0 ? [timeKnown, timeUnknown] : [timeUnknown, timeKnown];
    await first();
    await second();
  }
  return { known, unknown };
}

export interface SlowSmtpSamples {
  samples: number[];
  /** Answers that arrived while the SMTP server was holding a message, i.e. during a send. */
  duringSend: number;
}

/**
 * `count` requests for one known address, one every `spacingMs`, while the SMTP server holds each
 * message for its delay: the dispatcher is busy sending the earlier ones while the later are answered.
 */
export async function resetsDuringSlowSmtp(url: string, sink: SmtpSink, email: string, count: number, spacingMs: number): Promise<SlowSmtpSamples> {
  const samples: number[] = [];
  let duringSend = 0;
  for (let i = 0; i < count; i++) {
    const started = Date.now();
    samples.push(...(await latency(() => requestReset(url, email), 1, 0)));
    if (sink.holding > 0) duringSend += 1;
    await sleep(Math.max(0, started + spacingMs - Date.now()));
  }
  return { samples, duringSend };
}
