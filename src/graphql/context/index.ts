export { buildContext } from "./build-context";
export type { RequestFacts } from "./build-context";
export type { GraphQLContext, Services } from "./graphql-context";
export { BODY_TRANSPORT } from "./refresh-transport";
export type { RefreshTokenTransport } from "./refresh-transport";
