export { WS_CLOSE } from "./close-codes";
export { createGraphqlWs } from "./graphql-ws-server";
export type { GraphqlWs, GraphqlWsOptions } from "./graphql-ws-server";
export type { WebSocketLimits } from "./ws-limits";
