import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { authDirectiveTransformer } from "./directives";
import { resolvers } from "./resolvers";
import { findProjectRoot } from "../project-root";

/** schema.graphql at the repository root is the contract; code never redefines it. */
export function loadTypeDefs(): string {
  return readFileSync(join(findProjectRoot(), "schema.graphql"), "utf8");
}

export function buildSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  return authDirectiveTransformer(schema);
}
