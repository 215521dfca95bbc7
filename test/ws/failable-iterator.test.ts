import { failable } from "../../src/ws/failable-iterator";

/** A source that yields only when told to, like `sessionEvents` between security events; counts its closes. */
function silentSource() {
  let push: ((value: IteratorResult<number>) => void) | null = null;
  const state = { returned: 0 };
  const source: AsyncIterableIterator<number> = {
    next: () => new Promise((resolve) => (push = resolve)),
    return: () => {
      state.returned += 1;
      push?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => source,
  };
  return { source, state, emit: (value: number) => push?.({ value, done: false }) };
}

/** A source written as an async generator stuck on an await, as a module's subscription may be. */
async function* stuckGenerator(): AsyncGenerator<number> {
  yield 1;
  await new Promise(() => undefined);
}

describe("failable", () => {
  it("passes the source's values through", async () => {
    const { source, emit } = silentSource();
    const { iterator } = failable(source);
    const next = iterator.next();
    emit(7);
    await expect(next).resolves.toEqual({ value: 7, done: false });
  });

  it("return() ends a next() that waits on a silent source at once, and closes the source", async () => {
    const { source, state } = silentSource();
    const { iterator } = failable(source);
    const pending = iterator.next();
    await expect(iterator.return?.()).resolves.toEqual({ value: undefined, done: true });
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.returned).toBe(1);
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it("return() before the first next() still closes the source", async () => {
    const { source, state } = silentSource();
    const { iterator } = failable(source);
    await iterator.return?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.returned).toBe(1);
  });

  it("return() does not wait for a source generator stuck on an await", async () => {
    const { iterator } = failable(stuckGenerator());
    await expect(iterator.next()).resolves.toEqual({ value: 1, done: false });
    const pending = iterator.next();
    const settled = await Promise.race([iterator.return?.().then(() => "returned"), new Promise((r) => setTimeout(() => r("stuck"), 200))]);
    expect(settled).toBe("returned");
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
  });

  it("fail() rejects the pending and every later next() with the error, and closes the source", async () => {
    const { source, state } = silentSource();
    const { iterator, fail } = failable(source);
    const pending = iterator.next();
    const error = new Error("FORBIDDEN");
    fail(error);
    await expect(pending).rejects.toBe(error);
    await expect(iterator.next()).rejects.toBe(error);
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.returned).toBe(1);
  });
});
