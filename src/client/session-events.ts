import type { AuthSession } from "./auth-session";
import type { AuthWsClient } from "./ws";

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
