import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { AuthError } from "../auth";
import { buildContext, type GraphQLContext, type Services } from "../graphql";
import { createApollo, graphqlHttpPolicy } from "./apollo";
import { apolloHandler } from "./apollo-handler";
import { clientInfo } from "./client-info";
import { admit, fastLane, ValidatedDocuments } from "./fast-lane";
import type { GraphqlMetrics } from "./graphql-metrics";
import { refreshTokenTransport } from "./refresh-cookie";

export interface GraphqlHandlerOptions {
  schema: GraphQLSchema;
  services: Services;
  introspection: boolean;
  development: boolean;
  translateError?: (error: unknown) => AuthError | null;
  metrics?: GraphqlMetrics;
  /** The path the refresh cookie is scoped to. */
  path: string;
  /** False: Apollo answers every request (see HttpServerOptions.fastLane). */
  fastLane: boolean;
}

/**
 * The handler of GET and POST on the GraphQL path: the fast lane for what it admits, Apollo for
 * the rest, both under one policy (limits, formatter) and one context builder. Starts Apollo and
 * stops it when the server closes.
 */
export async function createGraphqlHandler(app: FastifyInstance, options: GraphqlHandlerOptions) {
  const apolloOptions = {
    schema: options.schema,
    introspection: options.introspection,
    development: options.development,
    logger: app.log,
    ...(options.translateError ? { translateError: options.translateError } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
  const policy = graphqlHttpPolicy(apolloOptions);
  const apollo = createApollo(apolloOptions, policy);
  await apollo.start();
  app.addHook("onClose", async () => apollo.stop());
  const contextOf = (request: FastifyRequest, reply: FastifyReply): Promise<GraphQLContext> =>
    buildContext(options.services, {
      authorization: request.headers.authorization,
      client: clientInfo(request),
      refreshTransport: refreshTokenTransport(request, reply, { path: options.path, development: options.development }),
    });
  const viaApollo = apolloHandler(apollo, contextOf);
  if (!options.fastLane) return viaApollo;
  const documents = new ValidatedDocuments({
    schema: options.schema,
    parseOptions: policy.limits.parseOptions,
    validationRules: policy.limits.validationRules,
    validationOptions: policy.limits.validationOptions,
    introspection: options.introspection,
  });
  const answer = fastLane({ schema: options.schema, formatting: policy, ...(options.metrics ? { metrics: options.metrics } : {}) });
  return async function graphql(request: FastifyRequest, reply: FastifyReply): Promise<string | FastifyReply> {
    const operation = admit(request, options.schema, documents);
    if (!operation) return viaApollo(request, reply);
    // buildContext never throws; were it to, Apollo would answer ("Context creation failed").
    const context = await contextOf(request, reply).catch(() => null);
    if (!context) return viaApollo(request, reply);
    return answer(operation, context, reply);
  };
}
