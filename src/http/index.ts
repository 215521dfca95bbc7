export { createHttpServer, GRAPHQL_PATH, MAX_BODY_BYTES } from "./server";
export type { HttpServerOptions, WebSocketTransport } from "./server";
export type { Readiness } from "./health-routes";
export type { HttpTimeouts } from "./timeouts";
