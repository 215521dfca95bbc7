export { createHttpServer, GRAPHQL_PATH } from "./server";
export type { HttpServerOptions } from "./server";
export type { Readiness } from "./health-routes";
