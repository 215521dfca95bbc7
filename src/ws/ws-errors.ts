import { AuthError } from "../auth";

export function tooManyOperations(): AuthError {
  return new AuthError("TOO_MANY_REQUESTS", "Too many operations on this connection; slow down or complete some.", { retryAfter: 1 });
}
