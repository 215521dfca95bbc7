import { GraphQLError } from "graphql";
import { AuthError } from "../auth";

export function tooManyOperations(): AuthError {
  return new AuthError("TOO_MANY_REQUESTS", "Too many operations on this connection; slow down or complete some.", { retryAfter: 1 });
}

/** Shutdown has begun: operations already running are answered; new ones go to another instance. */
export function shuttingDown(): AuthError {
  return new AuthError("SERVICE_UNAVAILABLE", "The server is shutting down; reconnect and try again.", { retryAfter: 1 });
}

/** A request-shape error, like Apollo's BAD_REQUEST over HTTP (not an auth failure). */
export function operationIdInUse(id: string): GraphQLError {
  return new GraphQLError(`Operation id "${id}" is still in use on this connection; use a new id.`, { extensions: { code: "BAD_REQUEST" } });
}
