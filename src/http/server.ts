import fastifyApollo from "@as-integrations/fastify";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Auth } from "../auth";
import { buildContext, type GraphQLContext } from "../graphql";
import { createApollo } from "./apollo";
import { clientInfo } from "./client-info";
import { httpErrorHandler } from "./error-handler";
import { type Readiness, registerHealthRoutes } from "./health-routes";

export interface HttpServerOptions {
  auth: Auth;
  readiness: Readiness;
  logger: FastifyBaseLogger;
  introspection: boolean;
  development: boolean;
}

export const GRAPHQL_PATH = "/graphql";

/** Fastify + Apollo. Starts Apollo but does not listen; the caller decides where. */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger, trustProxy: false, return503OnClosing: true });
  app.setErrorHandler(httpErrorHandler);
  registerHealthRoutes(app, options.readiness);

  const apollo = createApollo({ introspection: options.introspection, development: options.development, logger: app.log });
  await apollo.start();
  app.addHook("onClose", async () => apollo.stop());
  await app.register(fastifyApollo<GraphQLContext>(apollo), {
    path: GRAPHQL_PATH,
    method: ["GET", "POST", "OPTIONS"],
    context: async (request) =>
      buildContext(options.auth, { authorization: request.headers.authorization, client: clientInfo(request) }),
  });
  return app;
}
