import type { KitClock } from "../../src/client/clock";
import type { SessionEndpoint } from "../../src/client/session-endpoint";
import type { TabCoordinator, TabMessage } from "../../src/client/tab-coordinator";
import type { AccessTokenState, TokenGrant } from "../../src/client/types";

/** Time that moves only when the test says; timers fire as it passes them. */
export function manualClock(start = 1_700_000_000_000): KitClock & { advance(ms: number): void; pending(): number } {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    setTimeout(run, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run (the kit's awaits are all on already-settled promises or fakes). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** An unsigned JWT-shaped token: the kit reads `iat`, `exp` and `sid` only, never verifies. */
export function fakeAccessToken(label: string, issuedAtSeconds: number, lifetimeSeconds: number, sessionId = "s1"): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none" })}.${part({ sub: label, sid: sessionId, iat: issuedAtSeconds, exp: issuedAtSeconds + lifetimeSeconds })}.sig`;
}

/** A grant as the server would send it at `serverNowMs`, with a token living `lifetimeSeconds`. */
export function grant(label: string, serverNowMs: number, lifetimeSeconds = 900, refreshToken: string | null = null, sessionId = "s1"): TokenGrant {
  const iat = Math.floor(serverNowMs / 1000);
  return {
    accessToken: fakeAccessToken(label, iat, lifetimeSeconds, sessionId),
    accessTokenExpiresAt: new Date((iat + lifetimeSeconds) * 1000).toISOString(),
    refreshToken,
  };
}

/** An endpoint whose refresh calls wait for the test to answer them. */
export function scriptedEndpoint(): SessionEndpoint & {
  refreshCalls: Array<{ refreshToken: string | null; answer: Deferred<TokenGrant> }>;
  logoutCalls: Array<{ refreshToken: string | null; accessToken: string | null }>;
} {
  const refreshCalls: Array<{ refreshToken: string | null; answer: Deferred<TokenGrant> }> = [];
  const logoutCalls: Array<{ refreshToken: string | null; accessToken: string | null }> = [];
  return {
    refreshCalls,
    logoutCalls,
    refresh(refreshToken) {
      const answer = deferred<TokenGrant>();
      refreshCalls.push({ refreshToken, answer });
      return answer.promise;
    },
    async logout(refreshToken, accessToken) {
      logoutCalls.push({ refreshToken, accessToken });
    },
  };
}

/**
 * Tabs of one profile in one process: a shared record, an exclusive lock queued in order, and a
 * channel delivering each message to every other tab on a later turn (as BroadcastChannel does).
 */
export function fakeProfile(options: { handOverLockAfterMessages?: boolean; slowRecord?: boolean } = {}) {
  let record: AccessTokenState | null = null;
  let lockTail: Promise<unknown> = Promise.resolve();
  const tabs = new Set<(message: TabMessage) => void>();
  const posted: TabMessage[] = [];
  const lockHolders: string[] = [];
  return {
    posted,
    lockHolders,
    get record() {
      return record;
    },
    tab(label = "tab"): TabCoordinator {
      let listener: ((message: TabMessage) => void) | null = null;
      const deliver = (message: TabMessage) => listener?.(message);
      tabs.add(deliver);
      return {
        exclusive<T>(work: () => Promise<T>): Promise<T> {
          const run = lockTail.then(async () => {
            lockHolders.push(label);
            return work();
          });
          // Real tabs give no order between a broadcast and the next lock grant: either may come first.
          const released = run.catch(() => undefined);
          lockTail = options.handOverLockAfterMessages ? released.then(() => new Promise((resolve) => setTimeout(resolve, 5))) : released;
          return run;
        },
        // A slow record lets a broadcast overtake a read (IndexedDB answers on a later turn).
        async readShared() {
          const value = record;
          if (options.slowRecord) await new Promise((resolve) => setTimeout(resolve, 5));
          return value;
        },
        async writeShared(state) {
          if (options.slowRecord) await new Promise((resolve) => setTimeout(resolve, 5));
          record = state;
        },
        post(message) {
          posted.push(message);
          for (const other of tabs) if (other !== deliver) setTimeout(() => other(message), 0);
        },
        onMessage(next) {
          listener = next;
          return () => void (listener = null);
        },
        close: () => void tabs.delete(deliver),
      };
    },
  };
}
