/** The subset of the WHATWG `fetch` the kit uses; Node's global one by default, injectable for tests. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  /** Aborts the request early, e.g. when the verifier is closed. */
  signal?: AbortSignal;
}

export interface BoundedResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** A request to one of our own endpoints did not complete; the caller treats it as an outage. */
export class FetchFailure extends Error {
  override readonly name = "FetchFailure";
}

/**
 * One request with a deadline covering the whole body, and a body read no further than `maxBytes`:
 * a slow or endless answer from a misbehaving endpoint cannot hold requests or memory hostage.
 * Redirects are refused: the URL is configuration, and a hop elsewhere is not what was configured.
 */
export async function fetchBounded(fetch: FetchLike, url: string, init: RequestInit, limits: FetchLimits): Promise<BoundedResponse> {
  // One controller per request, its own timer, and the close listener removed afterwards:
  // AbortSignal.any over the verifier's long-lived close signal keeps an entry per call on Node 20.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no complete answer within ${limits.timeoutMs} ms`));
  }, limits.timeoutMs);
  const onClose = () => controller.abort(limits.signal?.reason);
  if (limits.signal?.aborted) onClose();
  else limits.signal?.addEventListener("abort", onClose, { once: true });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal, redirect: "error" });
    const body = await readCapped(response, url, limits.maxBytes);
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    const why = timedOut ? `no complete answer within ${limits.timeoutMs} ms` : String(error);
    throw new FetchFailure(`${init.method ?? "GET"} ${url} failed: ${why}`, { cause: error });
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener("abort", onClose);
  }
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchFailure(`${url} answered more than the ${maxBytes} bytes allowed`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
