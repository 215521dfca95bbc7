import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { toServiceUnavailable } from "../src/db";
import { authorizationPlugin, buildSchema, createErrorFormatter, createQueryLimits, type GraphQLContext } from "../src/graphql";
import { MODULES } from "../src/modules";

export type Variant = "with" | "without";

/**
 * The authorization A/B bench's two Apollo servers: configured as src/http/apollo.ts configures
 * production's, from the same exported pieces (schema, query limits, error formatter), and
 * differing only in `authorizationPlugin`. This lives in bench/ on purpose: production has no
 * switch that turns authorization off.
 */
export function createVariantApollo(variant: Variant, logError: (error: unknown) => void): ApolloServer<GraphQLContext> {
  const limits = createQueryLimits({ hideSuggestions: true });
  const authorization: ApolloServerPlugin<GraphQLContext>[] = variant === "with" ? [authorizationPlugin()] : [];
  return new ApolloServer<GraphQLContext>({
    schema: buildSchema(MODULES),
    introspection: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    persistedQueries: false,
    stopOnTerminationSignals: false,
    validationRules: limits.validationRules,
    validationOptions: limits.validationOptions,
    parseOptions: limits.parseOptions,
    formatError: createErrorFormatter({ exposeInternalMessages: false, logError, translate: toServiceUnavailable }),
    plugins: [...authorization, ...limits.plugins, ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
}

