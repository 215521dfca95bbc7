import { type FastifyReply, type FastifyRequest, LogController } from "fastify";

/** Client-chosen names are cut and stripped of anything that could forge a log line or a column. */
const MAX_OPERATION_NAME = 64;

/**
 * One line per request, written when the response is done: method, path (never the query
 * string, see logger.ts), status, time and the GraphQL operation name. Fastify's default writes
 * two (incoming / completed); the incoming line stays available at `debug`, for tracing a request
 * that never completes.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, "incoming request");
  }

  /** The completed line already says 404 (with the path); a second line would say it again. */
  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const operation = operationNameOf(request);
    const line = {
      req: request,
      res: { statusCode: reply.statusCode },
      responseTime: Math.round(reply.elapsedTime * 10) / 10,
      ...(operation ? { operation } : {}),
    };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request completed");
  }
}

/** `operationName` of a JSON POST or a GET, when it is a plausible GraphQL name. */
export function operationNameOf(request: Pick<FastifyRequest, "body" | "query">): string | undefined {
  const fromBody = typeof request.body === "object" && request.body !== null ? (request.body as { operationName?: unknown }).operationName : undefined;
  const fromQuery = typeof request.query === "object" && request.query !== null ? (request.query as { operationName?: unknown }).operationName : undefined;
  const name = fromBody ?? fromQuery;
  if (typeof name !== "string") return undefined;
  const clean = name.slice(0, MAX_OPERATION_NAME);
  return /^[_A-Za-z][_0-9A-Za-z]*$/.test(clean) ? clean : undefined;
}
