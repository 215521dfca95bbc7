const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header; null when there is no header. An empty
 * header counts as missing; a malformed scheme as present-but-invalid (""), so the caller answers
 * TOKEN_INVALID rather than "please sign in". Shared by the server and the verifier kit.
 */
export function extractBearer(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization.trim() === "") return null;
  const match = BEARER.exec(authorization);
  return match?.[1] ?? "";
}
