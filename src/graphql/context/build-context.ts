import type { ClientInfo } from "../../auth";
import type { GraphQLContext, Services } from "./graphql-context";
import type { RefreshTokenTransport } from "./refresh-transport";

/** What a transport knows about one request or websocket connection. */
export interface RequestFacts {
  /** `Bearer <token>`: the HTTP header, or the websocket's `connection_init` payload. */
  authorization: string | undefined;
  client: ClientInfo;
  refreshTransport: RefreshTokenTransport;
}

/**
 * Every transport builds its context here. Never throws: a throw would become Apollo's HTTP 500
 * "Context creation failed" even for public operations like login. An unexpected failure is
 * parked in `authError` instead.
 */
export async function buildContext(services: Services, request: RequestFacts): Promise<GraphQLContext> {
  const base = { services, client: request.client, refreshTransport: request.refreshTransport };
  try {
    const { state, claims } = await services.auth.viewers.authenticate(request.authorization);
    return { ...base, viewer: state.viewer, authFailure: state.reason, authError: null, claims };
  } catch (error) {
    return { ...base, viewer: null, authFailure: "TOKEN_INVALID", authError: error, claims: null };
  }
}
