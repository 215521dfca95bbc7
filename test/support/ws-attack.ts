import type { Pair, TestServer } from "./server";
import type { TestWsClient } from "./ws-client";

export const SESSION_EVENTS = "subscription { sessionEvents { type sessionId current at } }";

export const bearer = (pair: Pair) => ({ authorization: `Bearer ${pair.accessToken}` });

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** "connected", or the close the server answered the handshake with ("4429 TOO_MANY_CONNECTIONS"). */
export const outcome = (client: TestWsClient): Promise<string> =>
  Promise.race([client.connected.then(() => "connected"), client.closed.then((closed) => `${closed.code} ${closed.reason}`)]);

/** Counts the security-event listeners (one per running `sessionEvents`) added and not yet removed. */
export function countListeners(server: TestServer): { counter: { live: number }; restore(): void } {
  const events = server.app.auth.events;
  const subscribe = events.subscribe.bind(events);
  const counter = { live: 0 };
  const spy = jest.spyOn(events, "subscribe").mockImplementation((listener) => {
    counter.live += 1;
    const unsubscribe = subscribe(listener);
    return () => {
      counter.live -= 1;
      unsubscribe();
    };
  });
  return { counter, restore: () => spy.mockRestore() };
}
