import type { FastifyInstance } from "fastify";
import { metricsRefusal, tokenDigest } from "./metrics-access";

export const METRICS_PATH = "/metrics";

export interface MetricsEndpoint {
  contentType: string;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  /** METRICS_TOKEN; null serves loopback peers only (see metricsRefusal). */
  token: Buffer | null;
}

/**
 * GET /metrics. A refused scrape gets the server's ordinary 404, the answer for a path that does
 * not exist, so the endpoint is not advertised to whoever may not read it; the reason is logged
 * for the operator. Cache-Control: no-store comes from forbidCaching, as on every response.
 */
export function registerMetricsRoute(app: FastifyInstance, endpoint: MetricsEndpoint): void {
  const expected = endpoint.token ? tokenDigest(endpoint.token) : null;
  app.get(METRICS_PATH, async (request, reply) => {
    const refusal = metricsRefusal(request.socket.remoteAddress, request.headers, expected);
    if (refusal) {
      request.log.info({ reason: refusal }, "metrics scrape refused");
      return reply.callNotFound();
    }
    return reply.type(endpoint.contentType).send(await endpoint.render());
  });
}
