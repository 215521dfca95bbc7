import { type BroadcastChannelLike, type BrowserEnvironment, browserEnvironment, type LockManagerLike } from "./browser-apis";
import { indexedDbRecord, isAccessTokenState, memoryRecord, type SharedRecord } from "./shared-record";
import type { AccessTokenState, SignOutReason } from "./types";

/** What tabs of one session tell each other. */
export type TabMessage =
  | { type: "signed-in"; state: AccessTokenState }
  | { type: "refreshed"; state: AccessTokenState }
  | { type: "signed-out"; reason: SignOutReason };

/**
 * Tabs of one browser profile sharing one session (one refresh cookie, or one stored refresh
 * token). Only one of them refreshes at a time; the others take its result.
 */
export interface TabCoordinator {
  /** Runs `work` while no other tab runs work under the same name (Web Locks). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** The access token last written by any tab (null: none, or signed out). */
  readShared(): Promise<AccessTokenState | null>;
  writeShared(state: AccessTokenState | null): Promise<void>;
  post(message: TabMessage): void;
  onMessage(listener: (message: TabMessage) => void): () => void;
  close(): void;
}

/** A tab on its own: nothing shared, nothing locked beyond the session's own single flight. */
export function singleTabCoordinator(): TabCoordinator {
  const record = memoryRecord();
  return {
    exclusive: (work) => work(),
    readShared: () => record.read(),
    writeShared: (state) => record.write(state),
    post: () => undefined,
    onMessage: () => () => undefined,
    close: () => undefined,
  };
}

/**
 * BroadcastChannel carries new tokens and sign-outs to the other tabs at once; Web Locks make the
 * refresh exclusive; IndexedDB holds the token the next lock holder reads. Each part is optional:
 * without locks, tabs may each refresh (the server's reuse grace window accepts near-simultaneous
 * refreshes, and a shared cookie jar always sends the newest cookie); without BroadcastChannel,
 * a tab learns of a new token or a sign-out only when it next needs one.
 */
export function browserTabCoordinator(name: string, env: BrowserEnvironment = browserEnvironment()): TabCoordinator {
  const locks: LockManagerLike | undefined = env.navigator?.locks;
  const channel: BroadcastChannelLike | null = env.BroadcastChannel ? new env.BroadcastChannel(name) : null;
  const record: SharedRecord = env.indexedDB ? indexedDbRecord(env.indexedDB, name) : memoryRecord();
  const listeners = new Set<(message: TabMessage) => void>();
  channel?.addEventListener("message", (event) => {
    if (!isTabMessage(event.data)) return;
    for (const listener of [...listeners]) listener(event.data);
  });
  return {
    exclusive: (work) => (locks ? locks.request(`${name}:refresh`, { mode: "exclusive" }, work) : work()),
    // A storage failure costs at most one extra refresh; it must not fail the refresh itself.
    readShared: () => record.read().catch(() => null),
    writeShared: (state) => record.write(state).catch(() => undefined),
    post: (message) => channel?.postMessage(message),
    onMessage(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel?.close();
      record.close();
    },
  };
}

function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== "object" || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === "signed-in" || message.type === "refreshed") return isAccessTokenState(message.state);
  return message.type === "signed-out" && typeof message.reason === "string";
}
