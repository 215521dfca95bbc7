import { ambiguousRefreshCookie, isAuthError, refreshTokenMissing, type TokenPair } from "../../auth";
import type { GraphQLContext } from "../../graphql";

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

/**
 * An explicit argument wins; without one, the cookie. Two cookies are refused rather than the
 * first taken: a sibling subdomain or a network attacker can plant one that sorts first, to have
 * the victim's browser refresh (and keep using) the attacker's session.
 */
export function presentedRefreshToken(ctx: GraphQLContext, argument: string | null | undefined): string | null {
  if (argument != null) return argument;
  const cookies = ctx.refreshTransport.cookieTokens;
  if (cookies.length > 1) throw ambiguousRefreshCookie();
  return cookies[0] ?? null;
}

/** A cookie holding a dead (or ambiguous) refresh token is useless to the browser: drop it with the error. */
export async function refreshFromCookieOrArgument(
  ctx: GraphQLContext,
  argument: string | null | undefined,
): Promise<AuthPayloadView> {
  const fromCookie = argument == null && ctx.refreshTransport.cookieTokens.length > 0;
  try {
    const pair = await ctx.services.auth.refresh.refresh(presentedRefreshToken(ctx, argument), ctx.client);
    return deliver(ctx, pair, fromCookie || ctx.refreshTransport.mode === "cookie");
  } catch (error) {
    if (fromCookie && isAuthError(error)) ctx.refreshTransport.clearCookie();
    throw error;
  }
}

/**
 * Logout ends the argument's session or, without one, the session of every refresh cookie: this
 * browser presented them all, and ending a tossed one only signs its planter out. Then the
 * cookies go. With neither, the bearer token's session ends.
 */
export async function logoutPresented(ctx: GraphQLContext, argument: string | null | undefined): Promise<boolean> {
  const cookies = ctx.refreshTransport.cookieTokens;
  // Nothing identified a session (TOKEN_MISSING: no Authorization header at all): answering true
  // would tell a page that lost its cookie that it signed out. A presented token, even a bad one,
  // still gets true, so logout never reveals whether a token existed.
  if (argument == null && cookies.length === 0 && ctx.authFailure === "TOKEN_MISSING") throw refreshTokenMissing();
  const tokens = argument != null ? [argument] : cookies.length > 0 ? cookies : [null];
  for (const token of tokens) await ctx.services.auth.sessions.logout(token, ctx.claims, ctx.client);
  if (cookies.length > 0) ctx.refreshTransport.clearCookie();
  return true;
}
