import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { resolvers } from "./resolvers";
import { findProjectRoot } from "../project-root";

/** schema.graphql at the repository root is the contract; code never redefines it. */
export function loadTypeDefs(): string {
  return readFileSync(join(findProjectRoot(), "schema.graphql"), "utf8");
}

/**
 * Resolvers are not wrapped: `@auth`/`@public` are enforced once per operation, before execution,
 * by `authorizeOperation` (every transport must call it; see ./authorization).
 */
export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
}
