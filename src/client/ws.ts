import { type Client, type ClientOptions, createClient, type FormattedExecutionResult, type Sink, type SubscribePayload } from "graphql-ws";
import { WS_SESSION_REVOKED, WS_TOKEN_REFUSED } from "./auth-errors";
import type { AuthSession } from "./auth-session";

export interface AuthWsClient extends Client {
  /** The access token the current (or last) connection was opened with. */
  connectionToken(): string | null;
}

export interface AuthWsClientOptions extends Omit<ClientOptions, "connectionParams"> {
  /** More `connection_init` fields; the kit adds `authorization`. */
  connectionParams?: Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>);
}

/** graphql-ws's code for "reconnect now with new connection params" (its own recipe uses 4205). */
const RESTART = 4205;

/**
 * `graphql-auth-server/client/ws`: a graphql-ws client signed in with the session's access token.
 * Every (re)connection asks the session for a fresh token. The server closes a socket with 4401
 * when its token expires (or is refused at the handshake): each subscription then waits for one
 * refresh and subscribes again, once per acknowledged connection, so a refused fresh token ends
 * it instead of looping. 4403 (session revoked) is never retried and signs every tab out.
 * Subscriptions go through `subscribe` (Apollo's GraphQLWsLink and urql's subscriptionExchange
 * both use it) or `iterate`.
 */
export function createAuthWsClient(session: AuthSession, options: AuthWsClientOptions, create: (options: ClientOptions) => Client = createClient): AuthWsClient {
  let sentToken: string | null = null;
  let socket: { close(code: number, reason: string): void } | null = null;
  const live = new Set<{ acknowledged: boolean }>();
  const { connectionParams, shouldRetry, ...rest } = options;

  const client = create({
    ...rest,
    connectionParams: async () => {
      const extra = typeof connectionParams === "function" ? await connectionParams() : (connectionParams ?? {});
      sentToken = await session.freshAccessToken();
      return sentToken ? { ...extra, authorization: `Bearer ${sentToken}` } : { ...extra };
    },
    // graphql-ws retries 4403 by default; a revoked session can only be refused again.
    shouldRetry: (event) => !isClose(event, WS_SESSION_REVOKED) && (shouldRetry ? shouldRetry(event) : isCloseLike(event)),
  });

  client.on("connected", (opened) => {
    socket = isSocket(opened) ? opened : null;
    for (const subscription of live) subscription.acknowledged = true;
  });
  client.on("closed", (event) => {
    socket = null;
    if (isClose(event, WS_SESSION_REVOKED)) session.end("SESSION_REVOKED", sentToken);
  });
  // A sign-in (here, in another tab, or a restored session) puts a socket opened without it, or
  // for another user, on the new identity. Refreshes need no reconnection: an expiry closes it.
  const unlisten = session.subscribe((event) => {
    const token = session.accessToken();
    if (event.type === "signed-in" && socket && token !== sentToken) socket.close(RESTART, "Client Restart");
  });

  function subscribe<Data, Extensions>(payload: SubscribePayload, sink: Sink<FormattedExecutionResult<Data, Extensions>>): () => void {
    const state = { acknowledged: false };
    let stop: () => void = () => undefined;
    let stopped = false;
    let attempts = 0;
    const start = () => {
      // Joining a socket that is already open counts as acknowledged.
      state.acknowledged = socket !== null;
      live.add(state);
      stop = client.subscribe<Data, Extensions>(payload, {
        next: (value) => sink.next(value),
        complete: () => {
          live.delete(state);
          if (!stopped) sink.complete();
        },
        error: (error) => {
          live.delete(state);
          if (stopped) return;
          if (!isClose(error, WS_TOKEN_REFUSED) || (attempts > 0 && !state.acknowledged)) return sink.error(error);
          attempts += 1;
          session.refresh(sentToken).then(
            () => {
              if (!stopped) start();
            },
            () => {
              if (!stopped) sink.error(error);
            },
          );
        },
      });
    };
    start();
    return () => {
      stopped = true;
      live.delete(state);
      stop();
    };
  }

  return {
    on: client.on.bind(client),
    dispose: () => {
      unlisten();
      return client.dispose();
    },
    terminate: () => client.terminate(),
    subscribe,
    iterate: <Data, Extensions>(payload: SubscribePayload) => iterate<Data, Extensions>(subscribe, payload),
    connectionToken: () => sentToken,
  };
}

/** The server's security events for the signed-in user (schema.graphql `sessionEvents`). */
export interface SessionEventMessage {
  type: "SESSION_CREATED" | "SESSION_REVOKED" | "PASSWORD_CHANGED" | "ROLE_CHANGED";
  sessionId: string | null;
  current: boolean;
  at: string;
}

const SESSION_EVENTS = "subscription AuthKitSessionEvents { sessionEvents { type sessionId current at } }";

/**
 * Subscribes to `sessionEvents` while signed in. When this session is revoked from anywhere (a
 * logout on another device, logoutAll, an admin), the server says so here first and every tab of
 * this browser signs out. Returns a function that stops watching.
 */
export function watchSessionEvents(session: AuthSession, client: AuthWsClient, onEvent?: (event: SessionEventMessage) => void): () => void {
  let stop: (() => void) | null = null;
  const sync = () => {
    if (session.status() === "signed-in" && !stop) {
      stop = client.subscribe<{ sessionEvents: SessionEventMessage }, unknown>(
        { query: SESSION_EVENTS, operationName: "AuthKitSessionEvents" },
        {
          next: ({ data }) => {
            const event = data?.sessionEvents;
            if (!event) return;
            onEvent?.(event);
            if (event.type === "SESSION_REVOKED" && event.current) session.end("SESSION_REVOKED", client.connectionToken());
          },
          // Ended by the socket (a 4403 signs out by itself): watch again at the next sign-in.
          error: () => void (stop = null),
          complete: () => void (stop = null),
        },
      );
    } else if (session.status() === "signed-out" && stop) {
      stop();
      stop = null;
    }
  };
  const unsubscribe = session.subscribe(sync);
  sync();
  return () => {
    unsubscribe();
    stop?.();
    stop = null;
  };
}

function iterate<Data, Extensions>(
  subscribe: (payload: SubscribePayload, sink: Sink<FormattedExecutionResult<Data, Extensions>>) => () => void,
  payload: SubscribePayload,
): AsyncIterableIterator<FormattedExecutionResult<Data, Extensions>> {
  type Result = FormattedExecutionResult<Data, Extensions>;
  const queue: Result[] = [];
  let wake: (() => void) | null = null;
  let finished: { error?: unknown } | null = null;
  const dispose = subscribe(payload, {
    next: (value) => (queue.push(value), wake?.()),
    error: (error) => ((finished = { error }), wake?.()),
    complete: () => ((finished = {}), wake?.()),
  });
  const iterator: AsyncIterableIterator<Result> = {
    async next() {
      while (queue.length === 0 && !finished) await new Promise<void>((resolve) => (wake = resolve));
      const value = queue.shift();
      if (value !== undefined) return { value, done: false };
      const ended: { error?: unknown } = finished ?? {};
      if ("error" in ended) throw ended.error;
      return { value: undefined, done: true };
    },
    async return() {
      dispose();
      finished ??= {};
      wake?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function isCloseLike(value: unknown): value is { code: number } {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "number";
}

function isClose(value: unknown, code: number): boolean {
  return isCloseLike(value) && value.code === code;
}

function isSocket(value: unknown): value is { close(code: number, reason: string): void } {
  return typeof value === "object" && value !== null && typeof (value as { close?: unknown }).close === "function";
}
