import fastifyCookie from "@fastify/cookie";
import fastifyWebsocket from "@fastify/websocket";
import type { WebSocket } from "ws";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { AuthError, ClientInfo } from "../auth";
import type { Services } from "../graphql";
import { clientInfo } from "./client-info";
import { closeConnectionsWhileDraining } from "./drain";
import { httpErrorHandler } from "./error-handler";
import { registerCors } from "./cors";
import { type DiscoveryOptions, registerDiscoveryRoutes } from "./discovery-routes";
import { registerGraphiQLRoute } from "./graphiql-route";
import { createGraphqlHandler } from "./graphql-handler";
import { type Readiness, registerHealthRoutes } from "./health-routes";
import { type IntrospectionOptions, registerIntrospectionRoute } from "./introspection-route";
import type { GraphqlMetrics } from "./graphql-metrics";
import { type MetricsEndpoint, registerMetricsRoute } from "./metrics-route";
import { forbidCaching } from "./no-store";
import { notFoundWithoutQuery } from "./not-found";
import { echoRequestId, requestIdFor } from "./request-id";
import { OneLinePerRequest } from "./request-log";
import { lazySchemaCompilers } from "./lazy-schema-compilers";
import { type HttpRequestMetrics, measureRequests } from "./request-metrics";
import { type HttpTimeouts, timeoutOptions } from "./timeouts";

export interface HttpServerOptions {
  schema: GraphQLSchema;
  services: Services;
  readiness: Readiness;
  logger: FastifyBaseLogger;
  /** Introspection, Apollo's landing page on GET /graphql, and GraphiQL on /graphiql. */
  introspection: boolean;
  development: boolean;
  /** Origins allowed to call with credentials (cookies) from a browser; empty = same-origin only. */
  corsOrigins: readonly string[];
  /** Request headers browsers may send beyond the built-in list (CORS_ALLOWED_HEADERS). */
  corsAllowedHeaders: readonly string[];
  trustProxy: boolean | number | string;
  timeouts: HttpTimeouts;
  /** Maps infrastructure errors (database down) to client-visible codes; see createErrorFormatter. */
  translateError?: (error: unknown) => AuthError | null;
  /** GraphQL over websockets on the same path (GET with `Upgrade: websocket`). */
  websocket?: WebSocketTransport;
  /** /.well-known/jwks.json and /.well-known/openid-configuration. */
  discovery?: Omit<DiscoveryOptions, "baseUrl"> & { publicUrl: string | null };
  /** POST /introspect (token status); absent when no service may call it. */
  tokenStatus?: IntrospectionOptions;
  /** GET /metrics and the request counters behind it; absent, neither exists. */
  metrics?: HttpMetrics;
  /**
   * Validated operations run beside Apollo's pipeline (fast-lane/); on unless false.
   * Off only to compare the two lanes' answers (test/http/fast-lane).
   */
  fastLane?: boolean;
}

export interface HttpMetrics extends MetricsEndpoint {
  graphql: GraphqlMetrics;
  http: HttpRequestMetrics;
}

/** What the HTTP server needs of the websocket transport; it knows nothing else of it. */
export interface WebSocketTransport {
  handle(socket: WebSocket, client: ClientInfo): void;
  /** Called first at shutdown: ends the sockets (1001) after their in-flight operations. */
  close(): Promise<void>;
  maxMessageBytes: number;
}

export const GRAPHQL_PATH = "/graphql";

/**
 * Largest request body accepted (HTTP 413 above it). A real operation is a few hundred bytes plus
 * a password of at most 1024 characters; 64 KiB bounds JSON parsing and the GraphQL source, which
 * the token limit does not (one string token can be arbitrarily long).
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** A hop count trusts that many proxies nearest to us; strings are proxy-addr address lists. */
function trustProxySetting(value: boolean | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof value === "number" ? (_address, hop) => hop < value : value;
}

/** Fastify + Apollo. Starts Apollo but does not listen; the caller decides where. */
export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    trustProxy: trustProxySetting(options.trustProxy),
    return503OnClosing: true,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: requestIdFor,
    // One line per request instead of two (request-log.ts).
    logController: new OneLinePerRequest(),
    schemaController: lazySchemaCompilers(),
    ...timeoutOptions(options.timeouts),
  });
  echoRequestId(app);
  if (options.metrics) measureRequests(app, options.metrics.http);
  closeConnectionsWhileDraining(app);
  forbidCaching(app);
  app.setErrorHandler(httpErrorHandler);
  notFoundWithoutQuery(app);
  await app.register(fastifyCookie);
  await registerCors(app, { origins: options.corsOrigins, extraHeaders: options.corsAllowedHeaders, logger: app.log });
  registerHealthRoutes(app, options.readiness);
  if (options.discovery) registerDiscoveryRoutes(app, { ...options.discovery, baseUrl: () => options.discovery?.publicUrl ?? listeningUrl(app) });
  if (options.tokenStatus) await registerIntrospectionRoute(app, options.tokenStatus);
  if (options.metrics) registerMetricsRoute(app, options.metrics);

  const graphql = await createGraphqlHandler(app, {
    schema: options.schema,
    services: options.services,
    introspection: options.introspection,
    development: options.development,
    path: GRAPHQL_PATH,
    fastLane: options.fastLane !== false,
    ...(options.translateError ? { translateError: options.translateError } : {}),
    ...(options.metrics ? { metrics: options.metrics.graphql } : {}),
  });
  const websocket = options.websocket;
  if (websocket) {
    await app.register(fastifyWebsocket, {
      options: { maxPayload: websocket.maxMessageBytes },
      preClose: async function closeSockets(this: FastifyInstance) {
        await websocket.close();
        this.websocketServer.close();
      },
    });
  }
  app.route({
    method: "GET",
    url: GRAPHQL_PATH,
    handler: graphql,
    ...(websocket ? { wsHandler: (socket: WebSocket, request: FastifyRequest) => websocket.handle(socket, clientInfo(request)) } : {}),
  });
  app.route({ method: ["POST", "OPTIONS"], url: GRAPHQL_PATH, handler: graphql });
  // The offline explorer goes with the landing page and introspection: without them, a 404 like any unknown path.
  if (options.introspection) registerGraphiQLRoute(app, { endpoint: GRAPHQL_PATH });
  return app;
}

/** The listening address as a URL, for discovery documents when PUBLIC_URL is unset. */
function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === "string") return "http://localhost";
  const host = address.address === "0.0.0.0" || address.address === "::" ? "localhost" : address.address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}
