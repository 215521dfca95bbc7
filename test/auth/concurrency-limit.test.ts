import { ConcurrencyLimit } from "../../src/auth";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("ConcurrencyLimit", () => {
  it("runs at most `limit` tasks, then each waiter in arrival order as slots free up, failures included", async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limit.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(3);
    gates[1]?.reject(new Error("task 1 failed"));
    await expect(runs[1]).rejects.toThrow("task 1 failed");
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve();
    await runs[0];
    expect(started).toEqual([0, 1, 2, 3]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all([runs[2], runs[3], runs[4]])).toEqual([2, 3, 4]);
    expect(limit.queued).toBe(0);
    // All slots are free again: two more start at once.
    const again = deferred();
    const twice = [limit.run(() => again.promise), limit.run(() => again.promise)];
    expect(limit.queued).toBe(0);
    again.resolve();
    await Promise.all(twice);
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(RangeError);
  });
});
