import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";

/**
 * A subscription sent over HTTP would run its field's resolver as if it were a query (an internal
 * error); it is refused as a bad request, pointing at the websocket, before authorization runs.
 */
export function subscriptionsOverWebsocketOnly<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== "subscription") return;
          throw new GraphQLError("Subscriptions run over the websocket on this path (subprotocol graphql-transport-ws), not over HTTP.", {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        },
      };
    },
  };
}
