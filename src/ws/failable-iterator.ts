/**
 * Wraps a subscription's event stream so that the server can end it from outside with an error
 * (a role the subscription needs was lost): the pending and every later `next()` reject with it,
 * which graphql-ws sends as the operation's `error` message, and the source stream is closed.
 */
export function failable<T>(source: AsyncIterable<T>): { iterator: AsyncGenerator<T, void, undefined>; fail(error: Error): void } {
  const inner = source[Symbol.asyncIterator]();
  let failure: Error | null = null;
  let rejectPending: ((error: Error) => void) | null = null;
  const failed = new Promise<never>((_resolve, reject) => {
    rejectPending = reject;
  });
  failed.catch(() => undefined);
  async function* iterate(): AsyncGenerator<T, void, undefined> {
    try {
      for (;;) {
        if (failure) throw failure;
        const next = await Promise.race([inner.next(), failed]);
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await inner.return?.();
    }
  }
  return {
    iterator: iterate(),
    fail(error: Error) {
      if (failure) return;
      failure = error;
      rejectPending?.(error);
    },
  };
}
