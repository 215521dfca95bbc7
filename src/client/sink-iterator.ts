import type { FormattedExecutionResult, Sink, SubscribePayload } from "graphql-ws";

/** graphql-ws's `iterate`, over the kit's own `subscribe` (which renews subscriptions after 4401). */
export function iterate<Data, Extensions>(
  subscribe: (payload: SubscribePayload, sink: Sink<FormattedExecutionResult<Data, Extensions>>) => () => void,
  payload: SubscribePayload,
): AsyncIterableIterator<FormattedExecutionResult<Data, Extensions>> {
  type Result = FormattedExecutionResult<Data, Extensions>;
  const queue: Result[] = [];
  let wake: (() => void) | null = null;
  let finished: { error?: unknown } | null = null;
  const dispose = subscribe(payload, {
    next: (value) => (queue.push(value), wake?.()),
    error: (error) => ((finished = { error }), wake?.()),
    complete: () => ((finished = {}), wake?.()),
  });
  const iterator: AsyncIterableIterator<Result> = {
    async next() {
      while (queue.length === 0 && !finished) await new Promise<void>((resolve) => (wake = resolve));
      const value = queue.shift();
      if (value !== undefined) return { value, done: false };
      const ended: { error?: unknown } = finished ?? {};
      if ("error" in ended) throw ended.error;
      return { value: undefined, done: true };
    },
    async return() {
      dispose();
      finished ??= {};
      wake?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
