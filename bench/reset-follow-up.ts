import { sleep } from "./accounts";
import type { KnownUnknownSamples } from "./reset-timing";
import { requestReset } from "./reset-timing";

/** Quiet time before each sample, so the work one request leaves running never spills into the next sample. */
const SETTLE_MS = 200;

async function typename(url: string): Promise<void> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ __typename }" }),
  });
  if (!res.ok) throw new Error(`{ __typename }: HTTP ${res.status}`);
  await res.arrayBuffer();
}

/**
 * The side channel the answer's own timing hides: requestPasswordReset answers first and works
 * afterwards, so a cheap request sent the moment it answers waits behind that work wherever the
 * database shares the server's thread (PGlite). Times `{ __typename }` sent right after each reset
 * answer, known and unknown in ABBA order, each from a quiet server.
 */
export async function followUpAfterReset(url: string, knownEmail: string, pairs: number): Promise<KnownUnknownSamples> {
  let n = 0;
  const sample = async (email: string): Promise<number> => {
    await sleep(SETTLE_MS);
    await requestReset(url, email);
    const started = performance.now();
    await typename(url);
    return performance.now() - started;
  };
  const known: number[] = [];
  const unknown: number[] = [];
  const timeKnown = async () => known.push(await sample(knownEmail));
  const timeUnknown = async () => unknown.push(await sample(`follow-up-${n++}@bench.example`));
  for (let i = 0; i < pairs; i++) {
    const [first, second] = i % 2 === 0 ? [timeKnown, timeUnknown] : [timeUnknown, timeKnown];
    await first();
    await second();
  }
  return { known, unknown };
}
