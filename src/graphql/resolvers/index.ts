import type { Resolvers } from "../generated/resolvers-types";
import { Mutation } from "./mutation";
import { Query } from "./query";
import { DateTimeScalar } from "./scalars";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  AuthPayload: {
    tokenType: () => "Bearer",
  },
};
