import type { FastifyReply, FastifyRequest } from "fastify";
import type { RefreshTokenTransport } from "../graphql";

export const REFRESH_COOKIE = "refresh_token";
export const TRANSPORT_HEADER = "x-refresh-token-transport";

/**
 * The cookie is HttpOnly (no script can read it), SameSite=Strict (never sent on cross-site
 * requests), scoped to the GraphQL path, and Secure except over plain-http development.
 */
export function refreshTokenTransport(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { path: string; development: boolean },
): RefreshTokenTransport {
  const secure = !(options.development && request.protocol === "http");
  const base = { httpOnly: true, sameSite: "strict" as const, path: options.path, secure };
  const cookie = request.cookies[REFRESH_COOKIE];
  return {
    mode: request.headers[TRANSPORT_HEADER] === "cookie" ? "cookie" : "body",
    cookieToken: cookie ? cookie : undefined,
    setCookie(token, expiresAt) {
      const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
      void reply.setCookie(REFRESH_COOKIE, token, { ...base, maxAge });
    },
    clearCookie() {
      void reply.setCookie(REFRESH_COOKIE, "", { ...base, maxAge: 0 });
    },
  };
}
