import fastifyCors from "@fastify/cors";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { TRANSPORT_HEADER } from "./refresh-cookie";

/**
 * What browser GraphQL clients send: Apollo Client's client-awareness headers, Apollo Sandbox's
 * operation name and CSRF-prevention header, W3C trace context, our request id and refresh
 * transport. CORS_ALLOWED_HEADERS adds to it.
 */
export const CORS_REQUEST_HEADERS = [
  "authorization",
  "content-type",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  "apollographql-client-name",
  "apollographql-client-version",
  "traceparent",
  "tracestate",
  "x-request-id",
  TRANSPORT_HEADER,
] as const;

export interface CorsOptions {
  origins: readonly string[];
  /** Request headers allowed beyond CORS_REQUEST_HEADERS. */
  extraHeaders: readonly string[];
  logger: FastifyBaseLogger;
}

/** Bounds the memory of origins already logged (each is logged once, not once per preflight). */
const LOGGED_ORIGINS_MAX = 1000;

/**
 * Credentialed CORS only for the configured origins. A preflight from any other origin is refused
 * with 403 and a JSON body that names the setting to change (logged once per origin), instead of
 * falling through to the GraphQL endpoint's CSRF refusal.
 */
export async function registerCors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  const allowed = new Set(options.origins);
  refuseOtherPreflights(app, allowed, options.logger);
  if (allowed.size === 0) return;
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: [...new Set([...CORS_REQUEST_HEADERS, ...options.extraHeaders])],
    exposedHeaders: ["x-request-id"],
    maxAge: 600,
  });
}

function refuseOtherPreflights(app: FastifyInstance, allowed: ReadonlySet<string>, logger: FastifyBaseLogger): void {
  const logged = new Set<string>();
  app.addHook("onRequest", (request, reply, done) => {
    const origin = request.headers.origin;
    const preflight = request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;
    if (!preflight || origin === undefined || allowed.has(origin)) return done();
    if (!logged.has(origin) && logged.size < LOGGED_ORIGINS_MAX) {
      logged.add(origin);
      logger.warn({ origin }, "CORS preflight refused: origin not in CORS_ORIGINS");
    }
    void reply
      .code(403)
      .type("application/json")
      .send({
        error: "CORS_ORIGIN_NOT_ALLOWED",
        message: `The origin ${JSON.stringify(origin)} may not call this server from a browser. Add it to CORS_ORIGINS (exact origins, comma-separated), e.g. CORS_ORIGINS=${origin}.`,
      });
  });
}
