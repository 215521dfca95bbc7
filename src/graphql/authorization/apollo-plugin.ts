import type { ApolloServerPlugin } from "@apollo/server";
import type { AuthError } from "../../auth/errors";
import { PreExecutionError } from "../errors/pre-execution-error";
import { authorizeOperation } from "./authorize-operation";
import type { ViewerState } from "./viewer-state";

const AUTHORIZATION_PLUGIN: ApolloServerPlugin<ViewerState> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, request, contextValue }) {
        let denial: AuthError | null;
        try {
          denial = authorizeOperation({
            schema,
            document,
            operationName: request.operationName,
            variableValues: request.variables,
            viewer: contextValue,
          });
        } catch (infrastructure) {
          throw new PreExecutionError(infrastructure);
        }
        if (denial) throw new PreExecutionError(denial);
      },
    };
  },
};

/**
 * Runs the authorization decision in `didResolveOperation`: after parsing and validation, before
 * execution. A denied operation never reaches a resolver. Stateless, hence one shared instance.
 * Any context carrying the ViewerState fields will do: the server's and the verifier kit's.
 */
export function authorizationPlugin<TContext extends ViewerState>(): ApolloServerPlugin<TContext> {
  return AUTHORIZATION_PLUGIN as ApolloServerPlugin<TContext>;
}
