import type { IdbDatabaseLike, IdbFactoryLike, IdbRequestLike } from "./browser-apis";
import type { AccessTokenState } from "./types";

/**
 * The access token every tab of the profile can read. A tab that gets the refresh lock reads it
 * first: if another tab refreshed while this one waited, it takes that token instead of refreshing
 * again. This needs a store whose writes are visible to the next lock holder: IndexedDB commits
 * before the writer releases the lock. (A BroadcastChannel message may still be in flight then,
 * and Chromium's localStorage reaches other processes asynchronously.)
 */
export interface SharedRecord {
  read(): Promise<AccessTokenState | null>;
  write(state: AccessTokenState | null): Promise<void>;
  close(): void;
}

export function memoryRecord(): SharedRecord {
  let state: AccessTokenState | null = null;
  return {
    read: async () => state,
    write: async (next) => void (state = next),
    close: () => undefined,
  };
}

const DATABASE = "graphql-auth-kit";
const STORE = "access-tokens";

/**
 * One IndexedDB record per session name. If IndexedDB fails to open (some private modes), the
 * record falls back to this tab's memory: tabs then still take each other's tokens from broadcasts,
 * and at worst one refreshes again.
 */
export function indexedDbRecord(factory: IdbFactoryLike, key: string): SharedRecord {
  const fallback = memoryRecord();
  let opened: Promise<IdbDatabaseLike | null> | null = null;
  const database = () =>
    (opened ??= open(factory).catch(() => null).then((db) => {
      if (db) db.onversionchange = () => db.close();
      return db;
    }));

  return {
    async read() {
      const db = await database();
      if (!db) return fallback.read();
      const value = await done(db.transaction(STORE, "readonly").objectStore(STORE).get(key));
      return isAccessTokenState(value) ? value : null;
    },
    async write(state) {
      const db = await database();
      if (!db) return fallback.write(state);
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      if (state) store.put(state, key);
      else store.delete(key);
      // Resolved on commit, not on the request's success: the next lock holder must see it.
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = tx.onabort = () => reject(tx.error);
      });
    },
    close() {
      void opened?.then((db) => db?.close());
    },
  };
}

function open(factory: IdbFactoryLike): Promise<IdbDatabaseLike> {
  return new Promise((resolve, reject) => {
    const request = factory.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error("IndexedDB upgrade blocked"));
  });
}

function done<T>(request: IdbRequestLike<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function isAccessTokenState(value: unknown): value is AccessTokenState {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.accessToken === "string" && typeof candidate.expiresAt === "number" && typeof candidate.refreshAt === "number" && typeof candidate.generation === "number";
}
