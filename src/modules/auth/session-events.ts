import type { SecurityEvent, SecurityMessage } from "../../auth";
import type { GraphQLContext } from "../../graphql";

export interface SessionEventView {
  type: SecurityEvent["type"];
  sessionId: string | null;
  current: boolean;
  at: Date;
}

/** Events a slow subscriber may fall behind by; older ones are dropped first. */
const MAX_BUFFERED = 100;

/**
 * The viewer's account events as an async iterator, for `Subscription.sessionEvents`. Events are
 * hints: whether an account-wide revocation ended *this* session is read from the session store
 * (`recheck`), never taken from the event itself.
 */
export function sessionEventStream(ctx: GraphQLContext): AsyncIterableIterator<SessionEventView> {
  const viewer = ctx.viewer;
  const claims = ctx.claims;
  const buffer: Promise<SessionEventView | null>[] = [];
  const waiting: ((value: IteratorResult<SessionEventView>) => void)[] = [];
  let done = false;

  const deliver = (view: Promise<SessionEventView | null>) => {
    buffer.push(view);
    if (buffer.length > MAX_BUFFERED) buffer.shift();
    void drain();
  };
  let draining = false;
  const drain = async () => {
    if (draining) return;
    draining = true;
    while (waiting.length > 0 && buffer.length > 0) {
      const view = await buffer.shift();
      if (view && !done) waiting.shift()?.({ value: view, done: false });
    }
    draining = false;
  };
  let toldOwnRevocation = false;
  const once = async (view: Promise<SessionEventView | null>) => {
    const value = await view;
    const own = value?.type === "SESSION_REVOKED" && value.current;
    if (own && toldOwnRevocation) return null;
    if (own) toldOwnRevocation = true;
    return value;
  };
  const unsubscribe = ctx.services.auth.events.subscribe((message: SecurityMessage) => {
    if (done || !viewer) return;
    // Events may have been lost: a revocation of this session among them is told now.
    if (message.type === "RESYNC") deliver(once(revokedSinceResync(ctx, message.at, viewer.sessionId, claims)));
    else if (message.type !== "SIGNING_KEYS_CHANGED" && message.userId === viewer.user.id) deliver(once(describe(ctx, message, viewer.sessionId, claims)));
  });
  const finish = (): Promise<IteratorResult<SessionEventView>> => {
    done = true;
    unsubscribe();
    for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () =>
      done
        ? Promise.resolve({ value: undefined, done: true })
        : new Promise((resolve) => {
            waiting.push(resolve);
            void drain();
          }),
    return: finish,
    throw: (error) => {
      void finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function describe(
  ctx: GraphQLContext,
  event: SecurityEvent,
  ownSessionId: string,
  claims: GraphQLContext["claims"],
): Promise<SessionEventView | null> {
  const base = { type: event.type, at: event.at };
  if (event.sessionId !== null) return { ...base, sessionId: event.sessionId, current: event.sessionId === ownSessionId };
  if (event.type !== "SESSION_REVOKED" || !claims) return { ...base, sessionId: null, current: false };
  try {
    const state = await ctx.services.auth.viewers.recheck(claims);
    return state.viewer ? { ...base, sessionId: null, current: false } : { ...base, sessionId: ownSessionId, current: true };
  } catch {
    return { ...base, sessionId: null, current: false };
  }
}

async function revokedSinceResync(
  ctx: GraphQLContext,
  at: Date,
  ownSessionId: string,
  claims: GraphQLContext["claims"],
): Promise<SessionEventView | null> {
  if (!claims) return null;
  try {
    const state = await ctx.services.auth.viewers.recheck(claims);
    return state.viewer || state.reason !== "SESSION_REVOKED" ? null : { type: "SESSION_REVOKED", sessionId: ownSessionId, current: true, at };
  } catch {
    return null;
  }
}
