import type { QueryResolvers } from "../../graphql/generated/resolvers-types";
import { fromGqlAuditType } from "./audit";
import { viewerOf } from "../../graphql";

export const Query: QueryResolvers = {
  me: (_root, _args, ctx) => viewerOf(ctx).user,
  sessions: (_root, _args, ctx) => ctx.services.auth.sessions.list(viewerOf(ctx)),
  users: (_root, args, ctx) => ctx.services.auth.admin.list(args.first ?? 50, args.after),
  auditEvents: (_root, args, ctx) =>
    ctx.services.auth.admin.auditEvents({
      first: args.first ?? 50,
      after: args.after,
      userId: args.userId,
      type: args.type ? fromGqlAuditType(args.type) : null,
    }),
  signingKeys: (_root, _args, ctx) => ctx.services.auth.keys.list(),
};
