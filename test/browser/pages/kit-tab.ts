/**
 * One browser tab of an app using the client kit: Apollo Client and urql side by side on one
 * session, a graphql-ws client, typed documents from codegen's client preset. Bundled by esbuild
 * (test/support/kit-page.ts); the browser tests drive it through `window.kitTab`.
 */
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from "@apollo/client";
import { Client, fetchExchange } from "@urql/core";
import { type AuthSessionEvent, createAuthSession, localStorageRefreshTokenStore } from "../../../src/client";
import { createAuthLink } from "../../../src/client/apollo";
import { authExchange } from "../../../src/client/urql";
import { createAuthWsClient, type SessionEventMessage, watchSessionEvents } from "../../../src/client/ws";
import {
  DashboardMeDocument,
  DashboardRoleDocument,
  DashboardSessionsDocument,
  DashboardSinceDocument,
  DashboardVerifiedDocument,
  LoginDocument,
} from "../../client/documents";

const params = new URLSearchParams(location.search);
const api = params.get("api") ?? "/graphql";
const transport = params.get("transport") === "body" ? "body" : "cookie";
const wsUrl = new URL(api, location.href);
wsUrl.protocol = wsUrl.protocol === "https:" ? "wss:" : "ws:";

const session = createAuthSession({
  url: api,
  transport,
  ...(transport === "body" ? { store: localStorageRefreshTokenStore() } : {}),
});
const events: AuthSessionEvent[] = [];
session.subscribe((event) => events.push(event));

const apollo = new ApolloClient({
  link: ApolloLink.from([createAuthLink(session), new HttpLink({ uri: api })]),
  cache: new InMemoryCache(),
});
const urql = new Client({ url: api, exchanges: [authExchange(session), fetchExchange], requestPolicy: "network-only" });
const ws = createAuthWsClient(session, { url: wsUrl.href });

const DASHBOARD = [DashboardMeDocument, DashboardRoleDocument, DashboardSessionsDocument, DashboardVerifiedDocument, DashboardSinceDocument];

interface Outcome {
  ok: boolean;
  code?: unknown;
  reason?: unknown;
}

function outcome(data: unknown, errors: ReadonlyArray<{ extensions?: Record<string, unknown> | null }> | undefined): Outcome {
  const first = errors?.[0]?.extensions;
  return first ? { ok: false, code: first.code, reason: first.reason } : { ok: data != null };
}

const sessionEvents: SessionEventMessage[] = [];
let stopWatching: (() => void) | null = null;

const kitTab = {
  events,
  sessionEvents,
  status: () => session.status(),
  token: () => session.accessToken(),
  async signIn(email: string, password: string) {
    const { data } = await apollo.mutate({ mutation: LoginDocument, variables: { input: { email, password } } });
    if (!data) throw new Error("login answered no data");
    await session.signIn(data.login);
    return { refreshTokenInBody: data.login.refreshToken };
  },
  /** The five dashboard queries at once, through Apollo Client or urql. */
  async dashboard(via: "apollo" | "urql"): Promise<Outcome[]> {
    return Promise.all(
      DASHBOARD.map(async (query) => {
        if (via === "apollo") {
          const result = await apollo.query({ query, fetchPolicy: "no-cache", errorPolicy: "all" });
          return outcome(result.data, CombinedGraphQLErrors.is(result.error) ? result.error.errors : undefined);
        }
        const result = await urql.query(query, {}).toPromise();
        return outcome(result.data, result.error?.graphQLErrors);
      }),
    );
  },
  signOut: () => session.signOut(),
  watchSessionEvents() {
    stopWatching ??= watchSessionEvents(session, ws, (event) => sessionEvents.push(event));
  },
  wsConnectionToken: () => ws.connectionToken(),
};

Object.assign(globalThis, { kitTab });
export type KitTab = typeof kitTab;
