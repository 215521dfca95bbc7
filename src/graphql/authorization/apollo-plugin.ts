import type { ApolloServerPlugin } from "@apollo/server";
import type { AuthError } from "../../auth";
import type { GraphQLContext } from "../context";
import { PreExecutionError } from "../errors";
import { authorizeOperation } from "./authorize-operation";

const AUTHORIZATION_PLUGIN: ApolloServerPlugin<GraphQLContext> = {
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
 */
export function authorizationPlugin(): ApolloServerPlugin<GraphQLContext> {
  return AUTHORIZATION_PLUGIN;
}
