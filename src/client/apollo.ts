import { ApolloLink } from "@apollo/client";
import { Observable, type Subscription } from "rxjs";
import { judgeErrors } from "./auth-errors";
import type { AuthSession } from "./auth-session";

/**
 * `graphql-auth-server/client/apollo`: an Apollo Client link that sends the session's access token
 * (refreshed first when due), and when the server refuses it (UNAUTHENTICATED) refreshes once for
 * all failing operations and replays each of them once. A revoked session (SESSION_REVOKED,
 * REFRESH_TOKEN_REUSED) signs every tab out. Place it before the terminating HttpLink:
 *
 *   new ApolloClient({ link: ApolloLink.from([createAuthLink(session), new HttpLink({ uri: "/graphql" })]), cache })
 */
export function createAuthLink(session: AuthSession): ApolloLink {
  return new ApolloLink(
    (operation, forward) =>
      new Observable<ApolloLink.Result>((observer) => {
        let inner: Subscription | null = null;
        let closed = false;

        const send = (token: string | null, replayed: boolean) => {
          if (closed) return;
          operation.setContext((previous: Readonly<ApolloLink.OperationContext>) => ({
            headers: { ...(previous.headers as Record<string, string> | undefined), ...session.requestHeaders(token) },
            ...(session.credentials ? { credentials: session.credentials } : {}),
          }));
          let first = true;
          let replaying = false;
          inner = forward(operation).subscribe({
            next(result) {
              const isFirst = first;
              first = false;
              const verdict = judgeErrors(result.errors);
              if (verdict.action === "sign-out") session.end(verdict.reason, token);
              // Only a refused first answer is replayed: a stream already under way has delivered data.
              if (verdict.action !== "refresh" || replayed || !isFirst) return observer.next(result);
              replaying = true;
              session.refresh(token).then(
                (fresh) => send(fresh, true),
                // No new token (the session ended, or the server is unreachable): the refusal stands.
                () => {
                  if (closed) return;
                  observer.next(result);
                  observer.complete();
                },
              );
            },
            error: (error: unknown) => observer.error(error),
            complete() {
              if (!replaying) observer.complete();
            },
          });
        };

        session.freshAccessToken().then((token) => send(token, false));
        return () => {
          closed = true;
          inner?.unsubscribe();
        };
      }),
  );
}
