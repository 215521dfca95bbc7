import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

/**
 * Errors raised before GraphQL execution (unparseable JSON, wrong content type, oversized body)
 * are the client's fault: answer with their 4xx status in GraphQL's error shape, never a 500.
 */
export function httpErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    void reply.status(status).send({ errors: [{ message: error.message, extensions: { code: "BAD_REQUEST", requestId: request.id } }] });
    return;
  }
  request.log.error({ err: error }, "unhandled HTTP error");
  void reply
    .status(500)
    .send({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: request.id } }] });
}
