import type { FastifyInstance } from "fastify";

/** What the HTTP server reports per request; the metrics layer bounds the labels. */
export interface HttpRequestMetrics {
  /** `route` is the matched route's pattern, null when none matched (a 404). */
  request(method: string, route: string | null, statusCode: number, seconds: number): void;
}

/** Every response, GraphQL or not, including refusals Apollo never sees (413, CSRF, CORS preflights). */
export function measureRequests(app: FastifyInstance, metrics: HttpRequestMetrics): void {
  app.addHook("onResponse", async (request, reply) => {
    metrics.request(request.method, request.routeOptions.url ?? null, reply.statusCode, reply.elapsedTime / 1000);
  });
}
