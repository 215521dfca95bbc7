import { ApolloServer } from "@apollo/server";
import pino from "pino";
import { toServiceUnavailable } from "../src/db";
import { authorizationPlugin, buildSchema, type GraphQLContext } from "../src/graphql";
import { apolloConfig } from "../src/http/apollo";
import { MODULES } from "../src/modules";

export type Variant = "with" | "without";

/**
 * The authorization A/B bench's two Apollo servers: production's own configuration
 * (src/http/apollo.ts, as in NODE_ENV=production), the "without" one minus `authorizationPlugin`.
 * The switch lives here on purpose: production has none that turns authorization off.
 */
export function createVariantApollo(variant: Variant, logError: (error: unknown) => void): ApolloServer<GraphQLContext> {
  const logger = pino({ level: "error" }, { write: (line: string) => logError(line) });
  const config = apolloConfig({ schema: buildSchema(MODULES), introspection: false, development: false, logger, translateError: toServiceUnavailable });
  if (variant === "with") return new ApolloServer(config);
  const plugins = (config.plugins ?? []).filter((plugin) => plugin !== authorizationPlugin());
  if (plugins.length !== (config.plugins ?? []).length - 1) throw new Error("authorizationPlugin not found in the server's Apollo configuration");
  return new ApolloServer({ ...config, plugins });
}
