import { ApolloServer, type ApolloServerOptions } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { FastifyBaseLogger } from "fastify";
import type { AuthError } from "../auth";
import type { GraphQLSchema } from "graphql";
import { authorizationPlugin, createErrorFormatter, createQueryLimits, type GraphQLContext } from "../graphql";
import { GRAPHIQL_PATH } from "./graphiql-route";
import { type GraphqlMetrics, graphqlMetrics } from "./graphql-metrics";
import { sandboxLandingPage } from "./landing-page";
import { requestIdInErrors } from "./request-id";
import { subscriptionsOverWebsocketOnly } from "./subscriptions-over-websocket";

export interface ApolloOptions {
  schema: GraphQLSchema;
  introspection: boolean;
  development: boolean;
  logger: FastifyBaseLogger;
  translateError?: (error: unknown) => AuthError | null;
  /** Per-request counters; absent, nothing is counted. */
  metrics?: GraphqlMetrics;
}

export function createApollo(options: ApolloOptions): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>(apolloConfig(options));
}

/** The server's Apollo configuration, exported so the benchmark measures exactly this one. */
export function apolloConfig(options: ApolloOptions): ApolloServerOptions<GraphQLContext> {
  const limits = createQueryLimits({ hideSuggestions: !options.development });
  return {
    schema: options.schema,
    introspection: options.introspection,
    // CSRF: rejects simple (form-like) requests that a browser would send cross-site without a preflight.
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: the operations are few and small, and APQ's malformed-hash
    // and bad-version paths answer with code-less errors that would surface as internal errors.
    persistedQueries: false,
    // main.ts owns shutdown. Apollo's own SIGTERM handler (on whenever NODE_ENV is not "test")
    // would stop Apollo under in-flight requests, then re-raise the signal and kill the process.
    stopOnTerminationSignals: false,
    validationRules: limits.validationRules,
    validationOptions: limits.validationOptions,
    parseOptions: limits.parseOptions,
    includeStacktraceInErrorResponses: options.development,
    formatError: createErrorFormatter({
      exposeInternalMessages: options.development,
      logError: (error) => options.logger.error({ err: error }, "unexpected error in GraphQL execution"),
      ...(options.translateError ? { translate: options.translateError } : {}),
    }),
    plugins: [
      ...(options.metrics ? [graphqlMetrics(options.metrics)] : []),
      subscriptionsOverWebsocketOnly(),
      // The only enforcement of @auth/@public: decided for the whole operation before it executes.
      authorizationPlugin(),
      requestIdInErrors,
      ...limits.plugins,
      // Responses are per-user and never cacheable; skip the per-field cache-hint bookkeeping.
      ApolloServerPluginCacheControlDisabled(),
      options.introspection ? sandboxLandingPage(GRAPHIQL_PATH) : ApolloServerPluginLandingPageDisabled(),
    ],
  };
}
