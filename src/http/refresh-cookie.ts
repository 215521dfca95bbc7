import type { FastifyReply, FastifyRequest } from "fastify";
import type { RefreshTokenTransport } from "../graphql";
import { cookieValues } from "./cookie-header";

/**
 * `__Host-`: browsers accept it only with Secure, Path=/ and no Domain, so neither a sibling
 * subdomain nor plain http can plant a cookie under this name (cookie tossing).
 */
export const SECURE_REFRESH_COOKIE = "__Host-refresh_token";
/** Plain-http development only, where Secure (and so `__Host-`) is impossible. */
export const DEV_REFRESH_COOKIE = "refresh_token";
export const TRANSPORT_HEADER = "x-refresh-token-transport";

interface CookieSlot {
  name: string;
  path: string;
}

/**
 * Every name and path a refresh cookie of ours could live under: the current one, and
 * `refresh_token` at the GraphQL path or `/` (set by earlier versions, or planted).
 */
function slotsToClear(secure: boolean, graphqlPath: string): CookieSlot[] {
  const legacy = [graphqlPath, "/"].map((path) => ({ name: DEV_REFRESH_COOKIE, path }));
  return secure ? [{ name: SECURE_REFRESH_COOKIE, path: "/" }, ...legacy] : legacy;
}

/**
 * The cookie is HttpOnly (no script can read it), SameSite=Strict (never sent on cross-site
 * requests), and Secure with the `__Host-` prefix except over plain-http development, where it is
 * `refresh_token` scoped to the GraphQL path. Only the name that applies to the request is read.
 */
export function refreshTokenTransport(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { path: string; development: boolean },
): RefreshTokenTransport {
  const secure = !(options.development && request.protocol === "http");
  const current: CookieSlot = secure ? { name: SECURE_REFRESH_COOKIE, path: "/" } : { name: DEV_REFRESH_COOKIE, path: options.path };
  const base = { httpOnly: true, sameSite: "strict" as const, secure };
  return {
    mode: request.headers[TRANSPORT_HEADER] === "cookie" ? "cookie" : "body",
    cookieTokens: cookieValues(request.headers.cookie, current.name),
    setCookie(token, expiresAt) {
      const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
      void reply.setCookie(current.name, token, { ...base, path: current.path, maxAge });
    },
    clearCookie() {
      for (const slot of slotsToClear(secure, options.path)) void reply.setCookie(slot.name, "", { ...base, path: slot.path, maxAge: 0 });
    },
  };
}
