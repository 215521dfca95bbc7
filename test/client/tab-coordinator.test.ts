import type { BrowserEnvironment, IdbDatabaseLike, IdbFactoryLike, IdbOpenRequestLike, IdbRequestLike, IdbTransactionLike, LockManagerLike } from "../../src/client/browser-apis";
import { browserTabCoordinator, singleTabCoordinator, type TabMessage } from "../../src/client/tab-coordinator";
import { deferred, settle } from "./fakes";

/** Node's BroadcastChannel: real cross-instance delivery, typed with Node's Event rather than the DOM's. */
const NodeBroadcastChannel = BroadcastChannel as unknown as NonNullable<BrowserEnvironment["BroadcastChannel"]>;

const STATE = { accessToken: "a1", expiresAt: 2_000, refreshAt: 1_000, generation: 1 };

/** navigator.locks: one holder per name at a time, the rest queued in order. */
function fakeLocks(): LockManagerLike & { requested: string[] } {
  const tails = new Map<string, Promise<unknown>>();
  const requested: string[] = [];
  return {
    requested,
    request<T>(name: string, _options: { mode: "exclusive" }, callback: () => Promise<T>): Promise<T> {
      requested.push(name);
      const run = (tails.get(name) ?? Promise.resolve()).then(callback);
      tails.set(name, run.catch(() => undefined));
      return run;
    },
  };
}

/** IndexedDB reduced to what the kit uses: requests and commits complete on a later turn. */
function fakeIndexedDb(options: { failOpen?: boolean } = {}): IdbFactoryLike & { data: Map<string, unknown>; commits: number } {
  const data = new Map<string, unknown>();
  const later = (run: () => void) => setTimeout(run, 0);
  const request = <T>(compute: () => T): IdbRequestLike<T> => {
    const req: IdbRequestLike<T> = { result: undefined as T, error: null, onsuccess: null, onerror: null };
    later(() => {
      req.result = compute();
      req.onsuccess?.();
    });
    return req;
  };
  const factory = {
    data,
    commits: 0,
    open(): IdbOpenRequestLike {
      const stores = new Set<string>();
      const db: IdbDatabaseLike = {
        objectStoreNames: { contains: (name) => stores.has(name) },
        createObjectStore: (name) => void stores.add(name),
        close: () => undefined,
        onversionchange: null,
        transaction(_store, mode): IdbTransactionLike {
          const tx: IdbTransactionLike = {
            error: null,
            oncomplete: null,
            onerror: null,
            onabort: null,
            objectStore: () => ({
              get: (key) => request(() => data.get(key)),
              put: (value, key) => request(() => void data.set(key, value)),
              delete: (key) => request(() => void data.delete(key)),
            }),
          };
          setTimeout(() => {
            if (mode === "readwrite") factory.commits += 1;
            tx.oncomplete?.();
          }, 5);
          return tx;
        },
      };
      const req: IdbOpenRequestLike = { result: db, error: null, onsuccess: null, onerror: null, onupgradeneeded: null, onblocked: null };
      later(() => {
        if (options.failOpen) {
          req.error = new Error("private mode");
          req.onerror?.();
          return;
        }
        req.onupgradeneeded?.();
        req.onsuccess?.();
      });
      return req;
    },
  };
  return factory;
}

describe("browserTabCoordinator", () => {
  const open: Array<{ close(): void }> = [];
  afterEach(() => open.splice(0).forEach((c) => c.close()));
  const coordinator = (...args: Parameters<typeof browserTabCoordinator>) => {
    const created = browserTabCoordinator(...args);
    open.push(created);
    return created;
  };

  it("posts to the other tabs of the same name over BroadcastChannel, never to itself or another name", async () => {
    const a = coordinator("s", { BroadcastChannel: NodeBroadcastChannel });
    const b = coordinator("s", { BroadcastChannel: NodeBroadcastChannel });
    const other = coordinator("another", { BroadcastChannel: NodeBroadcastChannel });
    const seen = { a: [] as TabMessage[], b: [] as TabMessage[], other: [] as TabMessage[] };
    a.onMessage((m) => seen.a.push(m));
    b.onMessage((m) => seen.b.push(m));
    other.onMessage((m) => seen.other.push(m));
    a.post({ type: "refreshed", state: STATE });
    a.post({ type: "signed-out", reason: "SIGNED_OUT" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual({ a: [], b: [{ type: "refreshed", state: STATE }, { type: "signed-out", reason: "SIGNED_OUT" }], other: [] });
  });

  it("ignores messages that are not the kit's", async () => {
    const a = coordinator("s", { BroadcastChannel: NodeBroadcastChannel });
    const seen: TabMessage[] = [];
    a.onMessage((m) => seen.push(m));
    const stranger = new BroadcastChannel("s");
    stranger.postMessage({ type: "refreshed", state: { accessToken: 1 } });
    stranger.postMessage("hello");
    await new Promise((resolve) => setTimeout(resolve, 50));
    stranger.close();
    expect(seen).toEqual([]);
  });

  it("runs exclusive work under the Web Lock '<name>:refresh', one holder at a time", async () => {
    const locks = fakeLocks();
    const a = coordinator("s", { navigator: { locks } });
    const b = coordinator("s", { navigator: { locks } });
    const first = deferred<string>();
    const order: string[] = [];
    const ranA = a.exclusive(async () => {
      order.push("a starts");
      const value = await first.promise;
      order.push("a ends");
      return value;
    });
    const ranB = b.exclusive(async () => {
      order.push("b runs");
      return "b";
    });
    await settle();
    expect(order).toEqual(["a starts"]);
    first.resolve("a");
    expect(await Promise.all([ranA, ranB])).toEqual(["a", "b"]);
    expect(order).toEqual(["a starts", "a ends", "b runs"]);
    expect(locks.requested).toEqual(["s:refresh", "s:refresh"]);
  });

  it("without Web Locks or BroadcastChannel, work just runs and posting does nothing", async () => {
    const lone = coordinator("s", {});
    await expect(lone.exclusive(async () => 7)).resolves.toBe(7);
    expect(() => lone.post({ type: "signed-out", reason: "SIGNED_OUT" })).not.toThrow();
  });

  it("shares the token through IndexedDB; a write resolves only once committed", async () => {
    const idb = fakeIndexedDb();
    const a = coordinator("s", { indexedDB: idb });
    const b = coordinator("s", { indexedDB: idb });
    await expect(b.readShared()).resolves.toBeNull();
    await a.writeShared(STATE);
    expect(idb.commits).toBe(1);
    await expect(b.readShared()).resolves.toEqual(STATE);
    await a.writeShared(null);
    await expect(b.readShared()).resolves.toBeNull();
  });

  it("ignores a record that is not an access-token state", async () => {
    const idb = fakeIndexedDb();
    idb.data.set("s", { accessToken: "a1" });
    await expect(coordinator("s", { indexedDB: idb }).readShared()).resolves.toBeNull();
  });

  it("falls back to this tab's memory when IndexedDB cannot be opened (or is absent)", async () => {
    const broken = coordinator("s", { indexedDB: fakeIndexedDb({ failOpen: true }) });
    await broken.writeShared(STATE);
    await expect(broken.readShared()).resolves.toEqual(STATE);
    const none = coordinator("s", {});
    await none.writeShared(STATE);
    await expect(none.readShared()).resolves.toEqual(STATE);
  });

  it("an IndexedDB that throws reads as 'nothing shared' instead of failing the refresh", async () => {
    const failing: IdbFactoryLike = {
      open: () => {
        throw new Error("SecurityError");
      },
    };
    const c = coordinator("s", { indexedDB: failing });
    await expect(c.readShared()).resolves.toBeNull();
    await expect(c.writeShared(STATE)).resolves.toBeUndefined();
  });
});

describe("singleTabCoordinator", () => {
  it("keeps the record in memory, runs work at once, tells no one", async () => {
    const single = singleTabCoordinator();
    await single.writeShared(STATE);
    await expect(single.readShared()).resolves.toEqual(STATE);
    await expect(single.exclusive(async () => "ran")).resolves.toBe("ran");
    const listener = jest.fn();
    single.onMessage(listener);
    single.post({ type: "signed-out", reason: "SIGNED_OUT" });
    expect(listener).not.toHaveBeenCalled();
  });
});
