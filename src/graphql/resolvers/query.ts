import type { QueryResolvers } from "../generated/resolvers-types";
import { fromGqlAuditType } from "./audit";
import { viewerOf } from "./viewer";

export const Query: QueryResolvers = {
  me: (_root, _args, ctx) => viewerOf(ctx).user,
  sessions: (_root, _args, ctx) => ctx.auth.sessions.list(viewerOf(ctx)),
  users: (_root, args, ctx) => ctx.auth.admin.list(args.first ?? 50, args.after),
  auditEvents: (_root, args, ctx) =>
    ctx.auth.admin.auditEvents({
      first: args.first ?? 50,
      after: args.after,
      userId: args.userId,
      type: args.type ? fromGqlAuditType(args.type) : null,
    }),
};
