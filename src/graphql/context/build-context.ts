import type { Auth, ClientInfo } from "../../auth";
import type { GraphQLContext } from "./graphql-context";
import type { RefreshTokenTransport } from "./refresh-transport";

export interface RequestFacts {
  authorization: string | undefined;
  client: ClientInfo;
  refreshTransport: RefreshTokenTransport;
}

/**
 * Never throws: a throw here would become Apollo's HTTP 500 "Context creation failed" even for
 * public operations like login. An unexpected failure is parked in `authError` instead.
 */
export async function buildContext(auth: Auth, request: RequestFacts): Promise<GraphQLContext> {
  const base = { auth, authorization: request.authorization, client: request.client, refreshTransport: request.refreshTransport };
  try {
    const state = await auth.viewers.resolve(request.authorization);
    return { ...base, viewer: state.viewer, authFailure: state.reason, authError: null };
  } catch (error) {
    return { ...base, viewer: null, authFailure: "TOKEN_INVALID", authError: error };
  }
}
