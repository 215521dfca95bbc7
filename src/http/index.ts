export { createHttpServer, GRAPHQL_PATH, MAX_BODY_BYTES } from "./server";
export type { HttpMetrics, HttpServerOptions, WebSocketTransport } from "./server";
export { METRICS_PATH } from "./metrics-route";
export type { Readiness } from "./health-routes";
export type { HttpTimeouts } from "./timeouts";
export { INTROSPECTION_PATH, JWKS_PATH, OPENID_CONFIGURATION_PATH } from "./discovery-routes";
export { GRAPHIQL_PATH } from "./graphiql-route";
