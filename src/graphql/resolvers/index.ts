import type { Resolvers } from "../generated/resolvers-types";
import { AuditEvent } from "./audit";
import { JSONObjectScalar } from "./json-object";
import { Mutation } from "./mutation";
import { Query } from "./query";
import { DateTimeScalar } from "./scalars";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,
  AuditEvent,
  Query,
  Mutation,
  AuthPayload: {
    tokenType: () => "Bearer",
  },
};
