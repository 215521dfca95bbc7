import type { FastifyInstance } from "fastify";
import { pathOnly } from "../logger";

/** Fastify's default 404 logs and echoes the whole URL, query string included; ours names the path only. */
export function notFoundWithoutQuery(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    const path = pathOnly(request.url) ?? "";
    request.log.debug({ method: request.method, path }, "route not found");
    void reply.code(404).send({ error: "Not Found", message: `Route ${request.method}:${path} not found`, statusCode: 404 });
  });
}
