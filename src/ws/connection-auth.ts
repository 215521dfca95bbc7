import type { AccessTokenClaims, Auth, Clock } from "../auth";
import { WS_CLOSE } from "./close-codes";
import type { ConnectionCounter } from "./connection-limits";

export type ConnectionAdmission =
  | { ok: true; authorization: string | undefined; claims: AccessTokenClaims | null }
  | { ok: false; code: number; reason: string };

/**
 * `connection_init` with `{ "authorization": "Bearer <accessToken>" }` signs the socket in; no
 * payload (or none of that key) leaves it anonymous, able to run only @public operations. A
 * token that does not verify to a live session is refused outright rather than downgraded to
 * anonymous, so a client never mistakes a dead token for a working connection.
 */
export async function authenticateConnection(
  auth: Auth,
  params: Readonly<Record<string, unknown>> | undefined,
  perUser: ConnectionCounter,
  clock: Clock,
): Promise<ConnectionAdmission> {
  const raw = authorizationParam(params);
  if (raw === undefined || raw === null) return { ok: true, authorization: undefined, claims: null };
  if (typeof raw !== "string") return { ok: false, code: WS_CLOSE.UNAUTHENTICATED, reason: "TOKEN_INVALID" };
  let authenticated;
  try {
    authenticated = await auth.viewers.authenticate(raw);
  } catch {
    return { ok: false, code: WS_CLOSE.SERVICE_UNAVAILABLE, reason: "SERVICE_UNAVAILABLE" };
  }
  const { state, claims } = authenticated;
  // At the handshake every refusal is 4401 with the reason; 4403 means "revoked while connected".
  if (!state.viewer || !claims) return { ok: false, code: WS_CLOSE.UNAUTHENTICATED, reason: state.reason ?? "TOKEN_INVALID" };
  // HTTP verification tolerates a few seconds of clock skew past `exp`; a socket would be closed
  // for expiry at once, so such a token is refused here instead of admitted and dropped.
  if (claims.exp * 1000 <= clock.now().getTime()) return { ok: false, code: WS_CLOSE.UNAUTHENTICATED, reason: "TOKEN_EXPIRED" };
  if (!perUser.tryAdd(claims.sub)) return { ok: false, code: WS_CLOSE.TOO_MANY_CONNECTIONS, reason: "TOO_MANY_CONNECTIONS" };
  return { ok: true, authorization: raw, claims };
}

/**
 * `authorization` (any case) at the top of the payload, as graphql-ws clients and Apollo
 * Sandbox's connection headers send it, or under `headers`, as some other clients nest it.
 */
function authorizationParam(params: Readonly<Record<string, unknown>> | undefined): unknown {
  if (!params) return undefined;
  const nested = params.headers;
  for (const source of [params, typeof nested === "object" && nested !== null ? (nested as Record<string, unknown>) : {}]) {
    for (const [key, value] of Object.entries(source)) if (key.toLowerCase() === "authorization") return value;
  }
  return undefined;
}
