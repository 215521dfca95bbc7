import { ApolloServer, type ApolloServerOptions } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import type { FastifyBaseLogger } from "fastify";
import type { AuthError } from "../auth";
import type { GraphQLFormattedError, GraphQLSchema } from "graphql";
import { authorizationPlugin, createErrorFormatter, createQueryLimits, type GraphQLContext, type QueryLimits } from "../graphql";
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

/**
 * What every GraphQL answer over HTTP is held to, whichever lane gives it (Apollo's pipeline or the
 * fast lane beside it): one set of limits and one error formatter, built once.
 */
export interface GraphqlHttpPolicy {
  limits: QueryLimits;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Production: no "Did you mean …?" in any message. */
  hideSuggestions: boolean;
  /** Development: errors carry their stack. */
  includeStacktrace: boolean;
}

export function graphqlHttpPolicy(options: ApolloOptions): GraphqlHttpPolicy {
  const hideSuggestions = !options.development;
  return {
    limits: createQueryLimits({ hideSuggestions }),
    formatError: createErrorFormatter({
      exposeInternalMessages: options.development,
      logError: (error) => options.logger.error({ err: error }, "unexpected error in GraphQL execution"),
      ...(options.translateError ? { translate: options.translateError } : {}),
    }),
    hideSuggestions,
    includeStacktrace: options.development,
  };
}

export function createApollo(options: ApolloOptions, policy = graphqlHttpPolicy(options)): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>(apolloConfig(options, policy));
}

/** The server's Apollo configuration, exported so the benchmark measures exactly this one. */
export function apolloConfig(options: ApolloOptions, policy = graphqlHttpPolicy(options)): ApolloServerOptions<GraphQLContext> {
  const { limits } = policy;
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
    includeStacktraceInErrorResponses: policy.includeStacktrace,
    formatError: policy.formatError,
    plugins: [
      ...(options.metrics ? [graphqlMetrics(options.metrics)] : []),
      subscriptionsOverWebsocketOnly(),
      // The only enforcement of @auth/@public: decided for the whole operation before it executes.
      authorizationPlugin(),
      requestIdInErrors,
      ...limits.plugins,
      // Responses are per-user and never cacheable; skip the per-field cache-hint bookkeeping.
      ApolloServerPluginCacheControlDisabled(),
      // Inline traces (ftv1) serve federation gateways, and Apollo installs them only for a
      // subgraph schema, which this server never builds. Disabled, Apollo no longer loads the
      // plugin and its protobuf code on every start, after the database is up (about 20-30 ms).
      ApolloServerPluginInlineTraceDisabled(),
      // Apollo reads APOLLO_KEY, APOLLO_GRAPH_REF and APOLLO_SCHEMA_REPORTING from the environment
      // itself and would then send every operation's shape, or the schema, to Apollo's service.
      // An auth server sends nothing anywhere that its own configuration (src/config) does not name.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      options.introspection ? sandboxLandingPage(GRAPHIQL_PATH) : ApolloServerPluginLandingPageDisabled(),
    ],
  };
}
