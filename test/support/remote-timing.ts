import { execFile } from "node:child_process";
import { promisify } from "node:util";

export interface TimedRequest {
  /** Timings are grouped by label. */
  label: string;
  /** The JSON body POSTed to the URL. */
  body: object;
}

// Plain JavaScript for a bare `node -e`: POSTs each body in turn, pausing between them, and
// prints the milliseconds each took (until the whole answer was read), grouped by label.
const CLIENT = `
const [url, pauseMs, requests] = [process.argv[1], Number(process.argv[2]), JSON.parse(process.argv[3])];
(async () => {
  const timings = {};
  for (const { label, body } of requests) {
    const started = performance.now();
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    await response.text();
    (timings[label] ??= []).push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  process.stdout.write(JSON.stringify(timings));
})();`;

/**
 * Times requests from another process. In-process, the client reads the answer on the server's
 * event loop, so work the server does after answering would delay the reading and be mistaken for
 * a slower answer.
 */
export async function timeFromAnotherProcess(url: string, requests: readonly TimedRequest[], pauseMs = 50): Promise<Record<string, number[]>> {
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", CLIENT, url, String(pauseMs), JSON.stringify(requests)], { timeout: 60_000 });
  return JSON.parse(stdout) as Record<string, number[]>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
