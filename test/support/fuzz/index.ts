export { graphqlRequestArbitrary, OPERATIONS, rawRequestArbitrary } from "./requests";
export { authorizationArbitrary, signJwt, tokenProbeArbitrary } from "./tokens";
export type { FuzzRequest, FuzzSeeds } from "./values";
