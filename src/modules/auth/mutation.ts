import type { MutationResolvers } from "../../graphql/generated/resolvers-types";
import { deliver, logoutPresented, refreshFromCookieOrArgument } from "./token-delivery";
import { viewerOf } from "../../graphql";

export const Mutation: MutationResolvers = {
  signup: async (_root, { input }, ctx) => deliver(ctx, await ctx.services.auth.accounts.signup(input, ctx.client)),
  login: async (_root, { input }, ctx) => deliver(ctx, await ctx.services.auth.accounts.login(input, ctx.client)),
  refreshToken: (_root, args, ctx) => refreshFromCookieOrArgument(ctx, args.refreshToken),
  logout: (_root, args, ctx) => logoutPresented(ctx, args.refreshToken),
  logoutAll: (_root, _args, ctx) => ctx.services.auth.sessions.logoutAll(viewerOf(ctx), ctx.client),
  revokeSession: (_root, { id }, ctx) => ctx.services.auth.sessions.revoke(viewerOf(ctx), id, ctx.client),
  changePassword: async (_root, { input }, ctx) =>
    deliver(ctx, await ctx.services.auth.passwords.changePassword(viewerOf(ctx), input, ctx.client)),
  setUserRole: (_root, { userId, role }, ctx) => ctx.services.auth.admin.setRole(viewerOf(ctx), userId, role, ctx.client),
  rotateSigningKey: (_root, _args, ctx) => ctx.services.auth.keys.rotate({ userId: viewerOf(ctx).user.id, client: ctx.client }),
  revokeSigningKey: (_root, { kid }, ctx) => ctx.services.auth.keys.revoke(kid, { userId: viewerOf(ctx).user.id, client: ctx.client }),
};
