import { defineModule } from "../../core/module";
import { readSdl } from "../../graphql";
import type { Resolvers } from "../../graphql/generated/resolvers-types";
import { AuditEvent } from "./audit";
import { Mutation } from "./mutation";
import { Query } from "./query";
import { type SessionEventView, sessionEventStream } from "./session-events";

const resolvers: Resolvers = {
  AuditEvent,
  Query,
  Mutation,
  Subscription: {
    sessionEvents: {
      subscribe: (_root, _args, ctx) => sessionEventStream(ctx),
      resolve: (event: SessionEventView) => event,
    },
  },
  AuthPayload: {
    tokenType: () => "Bearer",
  },
  SigningKey: {
    publicJwk: (key) => (key.publicJwk ? { ...key.publicJwk } : null),
  },
};

/**
 * The auth API, built with the same module API a team uses for its own types: its services are
 * the core's (`ctx.services.auth`), its tables the core's migrations.
 */
export const authModule = defineModule({
  name: "auth",
  typeDefs: readSdl(__dirname, "auth.graphql"),
  resolvers,
});
