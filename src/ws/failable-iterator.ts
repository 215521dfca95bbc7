/**
 * Wraps a subscription's event stream so that the server can end it from outside with an error
 * (a role the subscription needs was lost): the pending and every later `next()` reject with it,
 * which graphql-ws sends as the operation's `error` message, and the source stream is closed.
 *
 * Deliberately not an async generator: `return()` on a generator that is awaiting its source is
 * queued until the source yields, and a `sessionEvents` stream may never yield again. graphql-ws
 * awaits `return()` of every subscription before it runs `onClose`, so a client that left would
 * keep its connection slots, its listeners and its place in the enforcer until the user's next
 * security event. Here `return()` settles the pending `next()` at once.
 */
export function failable<T>(source: AsyncIterable<T>): { iterator: AsyncIterableIterator<T>; fail(error: Error): void } {
  const inner = source[Symbol.asyncIterator]();
  let failure: Error | null = null;
  let ended = false;
  let interrupt!: (outcome: { error: Error } | { done: true }) => void;
  const interrupted = new Promise<IteratorResult<T>>((resolve, reject) => {
    interrupt = (outcome) => ("error" in outcome ? reject(outcome.error) : resolve({ value: undefined, done: true }));
  });
  interrupted.catch(() => undefined);

  const closeSource = () => {
    // Not awaited: a source stuck awaiting its next value must not hold the caller. Its cleanup
    // failing cannot be reported to a client that has gone.
    void Promise.resolve()
      .then(() => inner.return?.())
      .catch(() => undefined);
  };
  const end = () => {
    if (ended) return;
    ended = true;
    closeSource();
  };

  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (failure) return Promise.reject(failure);
      if (ended) return Promise.resolve({ value: undefined, done: true });
      const step = inner.next();
      step.catch(() => undefined); // May lose the race below; its rejection is then nobody's.
      // `interrupted` first: once settled, it wins over a source value that is also ready.
      return Promise.race([interrupted, step]);
    },
    return() {
      end();
      interrupt({ done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    fail(error: Error) {
      if (failure || ended) return;
      failure = error;
      end();
      interrupt({ error });
    },
  };
}
