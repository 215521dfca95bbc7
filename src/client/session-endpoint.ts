import { type KitClock, systemClock } from "./clock";
import type { RefreshTransport, TokenGrant } from "./types";

/** The two calls the kit makes by itself, outside any GraphQL client (so no link or exchange sees them). */
export interface SessionEndpoint {
  refresh(refreshToken: string | null): Promise<TokenGrant>;
  logout(refreshToken: string | null, accessToken: string | null): Promise<void>;
}

/** A refresh or logout the server refused (`code` is its `extensions.code`) or never answered. */
export class SessionRequestError extends Error {
  override readonly name = "SessionRequestError";
  constructor(
    /** The server's `extensions.code`, or NETWORK_ERROR / BAD_RESPONSE when there was no GraphQL answer. */
    readonly code: string,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body: string;
  credentials?: "include" | "same-origin" | "omit";
  signal?: AbortSignal;
}
export type FetchLike = (url: string, init: FetchInit) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export const TRANSPORT_HEADER = "x-refresh-token-transport";

const REFRESH = `mutation AuthKitRefreshToken($refreshToken: String) {
  refreshToken(refreshToken: $refreshToken) { accessToken accessTokenExpiresAt refreshToken }
}`;
const LOGOUT = `mutation AuthKitLogout($refreshToken: String) { logout(refreshToken: $refreshToken) }`;

export interface HttpSessionEndpointOptions {
  /** The GraphQL endpoint, e.g. "/graphql" (same origin) or "https://api.example.com/graphql". */
  url: string;
  transport: RefreshTransport;
  fetch?: FetchLike;
  /** A request unanswered this long fails (NETWORK_ERROR), so other tabs waiting on the refresh lock go on. */
  timeoutMs?: number;
  clock?: KitClock;
}

/**
 * POSTs with a JSON body (Apollo's CSRF prevention lets it through without a preflight header).
 * Cookie mode asks for the cookie transport and sends credentials, so a page on another origin of
 * the same site (CORS_ORIGINS) gets and sends the HttpOnly cookie.
 */
export function httpSessionEndpoint(options: HttpSessionEndpointOptions): SessionEndpoint {
  const fetchImpl = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const cookie = options.transport === "cookie";

  async function post(operationName: string, query: string, variables: Record<string, unknown>, accessToken?: string | null): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cookie) headers[TRANSPORT_HEADER] = "cookie";
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const abort = new AbortController();
    const timer = clock.setTimeout(() => abort.abort(), timeoutMs);
    let body: unknown;
    try {
      const response = await fetchImpl(options.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ operationName, query, variables }),
        ...(cookie ? { credentials: "include" as const } : {}),
        signal: abort.signal,
      });
      body = await response.json().catch(() => null);
      if (!isObject(body)) throw new SessionRequestError("BAD_RESPONSE", `HTTP ${response.status} without a GraphQL response`);
    } catch (error) {
      if (error instanceof SessionRequestError) throw error;
      throw new SessionRequestError("NETWORK_ERROR", `The auth server did not answer: ${String(error)}`);
    } finally {
      clock.clearTimeout(timer);
    }
    const first = Array.isArray(body.errors) ? (body.errors[0] as { message?: unknown; extensions?: Record<string, unknown> } | undefined) : undefined;
    if (first) {
      const code = typeof first.extensions?.code === "string" ? first.extensions.code : "INTERNAL_SERVER_ERROR";
      const reason = typeof first.extensions?.reason === "string" ? first.extensions.reason : undefined;
      throw new SessionRequestError(code, String(first.message ?? code), reason);
    }
    if (!isObject(body.data)) throw new SessionRequestError("BAD_RESPONSE", "A GraphQL response without data");
    return body.data;
  }

  return {
    async refresh(refreshToken) {
      const data = await post("AuthKitRefreshToken", REFRESH, { refreshToken });
      const grant = data.refreshToken;
      if (!isObject(grant) || typeof grant.accessToken !== "string" || typeof grant.accessTokenExpiresAt !== "string") {
        throw new SessionRequestError("BAD_RESPONSE", "refreshToken answered without an access token");
      }
      return {
        accessToken: grant.accessToken,
        accessTokenExpiresAt: grant.accessTokenExpiresAt,
        refreshToken: typeof grant.refreshToken === "string" ? grant.refreshToken : null,
      };
    },
    async logout(refreshToken, accessToken) {
      await post("AuthKitLogout", LOGOUT, { refreshToken }, accessToken);
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
