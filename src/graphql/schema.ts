import { makeExecutableSchema } from "@graphql-tools/schema";
import type { IResolvers } from "@graphql-tools/utils";
import type { GraphQLSchema } from "graphql";
import type { GraphQLContext } from "./context";
import { authDirectiveTransformer } from "./directives";
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
 * modules (`type Query { … }` in each) are merged field by field.
 */
export function buildSchema(parts: readonly SchemaPart[]): GraphQLSchema {
  const schema = makeExecutableSchema<GraphQLContext>({
    typeDefs: [BASE_TYPE_DEFS, ...parts.map((part) => part.typeDefs)],
    resolvers: [{ DateTime: DateTimeScalar, JSONObject: JSONObjectScalar }, ...parts.map((part) => part.resolvers)],
  });
  return authDirectiveTransformer(schema);
}
