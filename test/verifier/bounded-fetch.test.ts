import { getEventListeners } from "node:events";
import { FetchFailure, fetchBounded } from "../../src/verifier/bounded-fetch";

const ok = async () => new Response("{}", { status: 200 });
/** A fetch that never answers, and rejects with the abort's reason once aborted (as the real one does). */
const hanging = (_url: string, init: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    if (init.signal?.aborted) reject(init.signal.reason);
    init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
  });

describe("fetchBounded", () => {
  // AbortSignal.any over the close signal kept an internal entry per call on Node 20; the listener
  // that replaced it must go with each request.
  it("leaves nothing attached to the long-lived close signal, however many requests it made", async () => {
    const close = new AbortController();
    for (let i = 0; i < 200; i++) await fetchBounded(ok, "http://127.0.0.1/x", {}, { timeoutMs: 1000, maxBytes: 100, signal: close.signal });
    await expect(fetchBounded(hanging, "http://127.0.0.1/x", {}, { timeoutMs: 20, maxBytes: 100, signal: close.signal })).rejects.toBeInstanceOf(FetchFailure);
    expect(getEventListeners(close.signal, "abort")).toHaveLength(0);
  });

  it("gives up at the deadline, and at once when the verifier closes", async () => {
    await expect(fetchBounded(hanging, "http://127.0.0.1/x", {}, { timeoutMs: 30, maxBytes: 100 })).rejects.toThrow(/no complete answer within 30 ms/);
    const close = new AbortController();
    const pending = fetchBounded(hanging, "http://127.0.0.1/x", {}, { timeoutMs: 60_000, maxBytes: 100, signal: close.signal });
    close.abort(new Error("verifier closed"));
    await expect(pending).rejects.toThrow(/verifier closed/);
    close.abort();
    await expect(fetchBounded(hanging, "http://127.0.0.1/x", {}, { timeoutMs: 60_000, maxBytes: 100, signal: close.signal })).rejects.toBeInstanceOf(FetchFailure);
  });
});
