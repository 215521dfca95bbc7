import { type Exchange, makeOperation, type Operation, type OperationResult } from "@urql/core";
import { empty, filter, fromPromise, fromValue, makeSubject, map, merge, mergeMap, pipe, share, type Source, takeUntil } from "wonka";
import { judgeErrors } from "./auth-errors";
import type { AuthSession } from "./auth-session";

/** The token an operation was sent with, and whether it is the one replay it gets. */
const SENT_WITH = "authKitToken";
const REPLAYED = "authKitReplayed";

/**
 * `graphql-auth-server/client/urql`: an exchange that sends the session's access token (refreshed
 * first when due), and when the server refuses it (UNAUTHENTICATED) refreshes once for all failing
 * operations and replays each of them once. A revoked session signs every tab out. Place it after
 * the cache and before the fetch (and subscription) exchanges:
 *
 *   new Client({ url: "/graphql", exchanges: [cacheExchange, authExchange(session), fetchExchange] })
 */
export function authExchange(session: AuthSession): Exchange {
  return ({ forward }) =>
    (operations$) => {
      const shared$ = pipe(operations$, share);
      const teardowns$ = pipe(
        shared$,
        filter((operation) => operation.kind === "teardown"),
      );
      const tornDown = (key: number) =>
        pipe(
          teardowns$,
          filter((teardown) => teardown.key === key),
        );
      const replays = makeSubject<Operation>();

      const signed$ = pipe(
        merge([
          pipe(
            shared$,
            filter((operation) => operation.kind !== "teardown"),
          ),
          replays.source,
        ]),
        mergeMap((operation) =>
          pipe(
            fromPromise(session.freshAccessToken()),
            map((token) => withToken(session, operation, token)),
            // Cancelled while the token was being fetched: never sent.
            takeUntil(tornDown(operation.key)),
          ),
        ),
      );

      const results$ = pipe(merge([signed$, teardowns$]), forward, share);

      return pipe(
        results$,
        mergeMap((result): Source<OperationResult> => {
          const token = (result.operation.context[SENT_WITH] as string | null | undefined) ?? null;
          const verdict = judgeErrors(result.error?.graphQLErrors);
          if (verdict.action === "sign-out") session.end(verdict.reason, token);
          if (verdict.action !== "refresh" || result.operation.context[REPLAYED]) return fromValue(result);
          return pipe(
            fromPromise(session.refresh(token).then(() => true, () => false)),
            takeUntil(tornDown(result.operation.key)),
            mergeMap((refreshed) => {
              if (!refreshed) return fromValue(result);
              replays.next(makeOperation(result.operation.kind, result.operation, { ...result.operation.context, [REPLAYED]: true }));
              return empty;
            }),
          );
        }),
      );
    };
}

function withToken(session: AuthSession, operation: Operation, token: string | null): Operation {
  const context = operation.context;
  const fetchOptions = typeof context.fetchOptions === "function" ? context.fetchOptions() : (context.fetchOptions ?? {});
  const headers: Record<string, string> = {};
  new Headers(fetchOptions.headers).forEach((value, name) => (headers[name] = value));
  return makeOperation(operation.kind, operation, {
    ...context,
    fetchOptions: {
      ...fetchOptions,
      ...(session.credentials ? { credentials: session.credentials } : {}),
      headers: { ...headers, ...session.requestHeaders(token) },
    },
    [SENT_WITH]: token,
  });
}
