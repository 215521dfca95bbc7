import type { Actor } from "../../auth";
import { type GraphQLContext, viewerOf } from "../../graphql";
import type { MutationResolvers } from "../../graphql/generated/resolvers-types";
import { deliver, logoutPresented, refreshFromCookieOrArgument } from "./token-delivery";

/** The signed-in ADMIN, as the audit trail records admin actions. */
const actorOf = (ctx: GraphQLContext): Actor => ({ userId: viewerOf(ctx).user.id, client: ctx.client });

export const Mutation: MutationResolvers = {
  signup: async (_root, { input }, ctx) => deliver(ctx, await ctx.services.auth.signups.signup(input, ctx.client)),
  login: async (_root, { input }, ctx) => deliver(ctx, await ctx.services.auth.accounts.login(input, ctx.client)),
  refreshToken: (_root, args, ctx) => refreshFromCookieOrArgument(ctx, args.refreshToken),
  logout: (_root, args, ctx) => logoutPresented(ctx, args.refreshToken),
  logoutAll: (_root, _args, ctx) => ctx.services.auth.sessions.logoutAll(viewerOf(ctx), ctx.client),
  revokeSession: (_root, { id }, ctx) => ctx.services.auth.sessions.revoke(viewerOf(ctx), id, ctx.client),
  changePassword: async (_root, { input }, ctx) =>
    deliver(ctx, await ctx.services.auth.passwords.changePassword(viewerOf(ctx), input, ctx.client)),
  setUserRole: (_root, { userId, role }, ctx) => ctx.services.auth.admin.setRole(actorOf(ctx), userId, role),
  rotateSigningKey: (_root, _args, ctx) => ctx.services.auth.keys.rotate(actorOf(ctx)),
  revokeSigningKey: (_root, { kid }, ctx) => ctx.services.auth.keys.revoke(kid, actorOf(ctx)),
  requestEmailVerification: (_root, _args, ctx) => ctx.services.auth.emails.requestVerification(viewerOf(ctx), ctx.client),
  verifyEmail: (_root, { token }, ctx) => ctx.services.auth.emails.verifyEmail(token, ctx.client),
  requestPasswordReset: (_root, { email }, ctx) => ctx.services.auth.resets.requestReset(email, ctx.client),
  resetPassword: async (_root, { input }, ctx) => deliver(ctx, await ctx.services.auth.resets.reset(input, ctx.client)),
  requestEmailChange: (_root, { input }, ctx) => ctx.services.auth.emails.requestChange(viewerOf(ctx), input, ctx.client),
  confirmEmailChange: (_root, { token }, ctx) => ctx.services.auth.emails.confirmChange(token, ctx.client),
  deleteAccount: (_root, { currentPassword }, ctx) => ctx.services.auth.accounts.deleteAccount(viewerOf(ctx), currentPassword, ctx.client),
  disableUser: (_root, { userId }, ctx) => ctx.services.auth.admin.disable(actorOf(ctx), userId),
  enableUser: (_root, { userId }, ctx) => ctx.services.auth.admin.enable(actorOf(ctx), userId),
  revokeUserSessions: (_root, { userId }, ctx) => ctx.services.auth.admin.revokeSessions(actorOf(ctx), userId),
  deleteUser: (_root, { userId }, ctx) => ctx.services.auth.admin.deleteUser(actorOf(ctx), userId),
  createInvite: (_root, { email, role }, ctx) => ctx.services.auth.admin.createInvite(actorOf(ctx), email, role ?? "USER"),
};
