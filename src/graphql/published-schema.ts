import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { type GraphQLSchema, lexicographicSortSchema } from "graphql";

const HEADER =
  "# The published contract, printed from every registered module's SDL by `npm run schema`.\n" +
  "# Do not edit: change a module's .graphql file instead. CI fails when this file is stale.\n\n";

/**
 * schema.graphql as clients see it (codegen, Sandbox): sorted so that moving code between
 * modules never reorders the contract, with descriptions and the @auth/@public policies.
 */
export function printPublishedSchema(schema: GraphQLSchema): string {
  return `${HEADER}${printSchemaWithDirectives(lexicographicSortSchema(schema)).trim()}\n`;
}
