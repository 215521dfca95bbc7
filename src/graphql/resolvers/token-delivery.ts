import { isAuthError, type TokenPair } from "../../auth";
import type { GraphQLContext } from "../context";

export type AuthPayloadView = Omit<TokenPair, "refreshToken"> & { refreshToken: string | null };

/**
 * In cookie mode the refresh token goes into the HttpOnly cookie and never into the body. A token
 * that arrived in the cookie is always answered in the cookie, so the browser never keeps a spent one.
 */
export function deliver(ctx: GraphQLContext, pair: TokenPair, viaCookie = ctx.refreshTransport.mode === "cookie"): AuthPayloadView {
  if (!viaCookie) return pair;
  ctx.refreshTransport.setCookie(pair.refreshToken, pair.refreshTokenExpiresAt);
  return { ...pair, refreshToken: null };
}

/** An explicit argument wins; without one, the cookie (if the browser sent it). */
export function presentedRefreshToken(ctx: GraphQLContext, argument: string | null | undefined): string | null {
  return argument ?? ctx.refreshTransport.cookieToken ?? null;
}

/** A cookie holding a dead refresh token is useless to the browser: drop it with the error. */
export async function refreshFromCookieOrArgument(
  ctx: GraphQLContext,
  argument: string | null | undefined,
): Promise<AuthPayloadView> {
  const fromCookie = argument == null && ctx.refreshTransport.cookieToken !== undefined;
  try {
    const pair = await ctx.auth.refresh.refresh(presentedRefreshToken(ctx, argument), ctx.client);
    return deliver(ctx, pair, fromCookie || ctx.refreshTransport.mode === "cookie");
  } catch (error) {
    if (fromCookie && isAuthError(error)) ctx.refreshTransport.clearCookie();
    throw error;
  }
}
