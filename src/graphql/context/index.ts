export { buildContext } from "./build-context";
export type { RequestFacts } from "./build-context";
export type { GraphQLContext } from "./graphql-context";
