import { singleFlight } from "../../src/client/single-flight";
import { deferred } from "./fakes";

describe("singleFlight", () => {
  it("gives every caller during a run the same promise, and runs the work once", async () => {
    const answer = deferred<string>();
    const work = jest.fn(() => answer.promise);
    const flight = singleFlight(work);
    const callers = Array.from({ length: 5 }, () => flight.run());
    expect(new Set(callers).size).toBe(1);
    expect(flight.pending).toBe(true);
    answer.resolve("token-2");
    expect(await Promise.all(callers)).toEqual(Array(5).fill("token-2"));
    expect(work).toHaveBeenCalledTimes(1);
  });

  it("starts a new run once the previous one settled, also after a failure", async () => {
    const answers = [deferred<string>(), deferred<string>()];
    let call = 0;
    const flight = singleFlight(() => answers[call++]!.promise);
    const first = flight.run();
    answers[0]!.reject(new Error("offline"));
    await expect(first).rejects.toThrow("offline");
    expect(flight.pending).toBe(false);
    const second = flight.run();
    expect(second).not.toBe(first);
    answers[1]!.resolve("token-3");
    await expect(second).resolves.toBe("token-3");
    expect(call).toBe(2);
  });

  it("a work function that throws synchronously rejects the shared promise instead of throwing at the caller", async () => {
    const flight = singleFlight<string>(() => {
      throw new Error("boom");
    });
    await expect(flight.run()).rejects.toThrow("boom");
  });
});
