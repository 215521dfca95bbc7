import { makeExecutableSchema } from "@graphql-tools/schema";
import type { IResolvers } from "@graphql-tools/utils";
import type { GraphQLSchema } from "graphql";
import type { GraphQLContext } from "./context";
import { DateTimeScalar } from "./resolvers/scalars";
import { JSONObjectScalar } from "./resolvers/json-object";
import { readSdl } from "./sdl";

/** The part of a module the schema is made of. */
export interface SchemaPart {
  typeDefs: string;
  // Codegen's resolver maps type each parent precisely; this seam only needs them structurally.
  resolvers: IResolvers<any, GraphQLContext>;
}

/** Directives, roles and scalars every module may use. */
export const BASE_TYPE_DEFS = readSdl(__dirname, "base.graphql");

/**
 * One executable schema from every module's SDL and resolvers. Root types declared by several
 * modules (`type Query { … }` in each) are merged field by field. Resolvers are not wrapped:
 * `@auth`/`@public` are enforced once per operation, before execution, by `authorizeOperation`
 * (every transport must call it; see ./authorization).
 */
export function buildSchema(parts: readonly SchemaPart[]): GraphQLSchema {
  return makeExecutableSchema<GraphQLContext>({
    typeDefs: [BASE_TYPE_DEFS, ...parts.map((part) => part.typeDefs)],
    resolvers: [{ DateTime: DateTimeScalar, JSONObject: JSONObjectScalar }, ...parts.map((part) => part.resolvers)],
  });
}
