import type { QueryResolvers } from "../generated/resolvers-types";
import { viewerOf } from "./viewer";

export const Query: QueryResolvers = {
  me: (_root, _args, ctx) => viewerOf(ctx).user,
  sessions: (_root, _args, ctx) => ctx.auth.sessions.list(viewerOf(ctx)),
  users: (_root, args, ctx) => ctx.auth.admin.list(args.first ?? 50, args.after),
};
