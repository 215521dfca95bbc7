import fastifyCors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import { TRANSPORT_HEADER } from "./refresh-cookie";

/**
 * Credentialed CORS only for the configured origins; any other origin gets no CORS headers, so
 * its browser refuses to read responses or to send the preflighted requests the API requires.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["content-type", "authorization", "apollo-require-preflight", "x-request-id", TRANSPORT_HEADER],
    exposedHeaders: ["x-request-id"],
    maxAge: 600,
  });
}
