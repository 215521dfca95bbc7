import type { MutationResolvers } from "../generated/resolvers-types";
import { viewerOf } from "./viewer";

export const Mutation: MutationResolvers = {
  signup: (_root, { input }, ctx) => ctx.auth.accounts.signup(input, ctx.client),
  login: (_root, { input }, ctx) => ctx.auth.accounts.login(input, ctx.client),
  refreshToken: (_root, args, ctx) => ctx.auth.refresh.refresh(args.refreshToken, ctx.client),
  logout: (_root, args, ctx) => ctx.auth.sessions.logout(args.refreshToken, ctx.authorization, ctx.client),
  logoutAll: (_root, _args, ctx) => ctx.auth.sessions.logoutAll(viewerOf(ctx), ctx.client),
  revokeSession: (_root, { id }, ctx) => ctx.auth.sessions.revoke(viewerOf(ctx), id, ctx.client),
  changePassword: (_root, { input }, ctx) => ctx.auth.passwords.changePassword(viewerOf(ctx), input, ctx.client),
  setUserRole: (_root, { userId, role }, ctx) => ctx.auth.admin.setRole(viewerOf(ctx), userId, role, ctx.client),
};
