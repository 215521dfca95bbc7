import { type Client, type ClientOptions, createClient, type FormattedExecutionResult, type Sink, type SubscribePayload } from "graphql-ws";
import { WS_SESSION_REVOKED, WS_TOKEN_REFUSED } from "./auth-errors";
import type { AuthSession } from "./auth-session";
import { iterate } from "./sink-iterator";

export { type SessionEventMessage, watchSessionEvents } from "./session-events";

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

function isCloseLike(value: unknown): value is { code: number } {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "number";
}

function isClose(value: unknown, code: number): boolean {
  return isCloseLike(value) && value.code === code;
}

function isSocket(value: unknown): value is { close(code: number, reason: string): void } {
  return typeof value === "object" && value !== null && typeof (value as { close?: unknown }).close === "function";
}
