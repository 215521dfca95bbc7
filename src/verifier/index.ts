/**
 * `graphql-auth-server/verifier`: verify this server's access tokens in your other services, with
 * the same deny-by-default `@auth`/`@public` authorization. Loads nothing of the server (no
 * database, no argon2, no Apollo runtime): a dependency-hygiene test holds it to that.
 */
export { createTokenVerifier } from "./token-verifier";
export type { TokenVerifier } from "./token-verifier";
export type { TokenVerifierOptions } from "./options";
export type { IntrospectionOptions } from "./introspection";
export type { VerifiedViewer, VerifyResult } from "./result";
export type { FetchLike } from "./bounded-fetch";
export { apolloContext, authErrorFormatter, withAuthorization } from "./apollo";
export type { ContextRequest, FormatterOptions } from "./apollo";
export {
  AUTH_DIRECTIVES_SDL,
  authorizationPlugin,
  authorizeOperation,
  missingPolicies,
  requireOwner,
} from "../graphql/authorization";
export type { AuthorizedViewer, OwnerCheckOptions, ViewerState } from "../graphql/authorization";
export { AuthError, isAuthError } from "../auth/errors";
export type { AuthErrorCode, UnauthenticatedReason } from "../auth/errors";
export type { AccessTokenClaims } from "../auth/access-token-verification";
export type { Role } from "../auth/types";
