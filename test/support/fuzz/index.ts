export { type AuthorizationOracle, carriesAuthenticToken, guardedRootFields } from "./authorization-oracle";
export { type Outcome, problemWith } from "./problems";
export { graphqlRequestArbitrary, OPERATIONS, rawRequestArbitrary } from "./requests";
export { authorizationArbitrary, signJwt, tokenProbeArbitrary } from "./tokens";
export type { FuzzRequest, FuzzSeeds } from "./values";
