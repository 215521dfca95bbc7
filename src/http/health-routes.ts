import type { FastifyInstance } from "fastify";

export interface Readiness {
  /** Resolves when the database answers; rejects otherwise. */
  ping(): Promise<void>;
}

const READY_TIMEOUT_MS = 2000;

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** /health: the process is up. /ready: it can serve, i.e. the database answers. */
export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (request, reply) => {
    try {
      await withTimeout(readiness.ping(), READY_TIMEOUT_MS);
      return { status: "ready" };
    } catch (error) {
      request.log.warn({ err: error }, "readiness check failed");
      return reply.status(503).send({ status: "unavailable" });
    }
  });
}
