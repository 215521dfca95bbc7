import pino, { type Logger } from "pino";

/** Paths that may hold credentials; pino replaces them before anything is written. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'res.headers["set-cookie"]',
  "*.password",
  "*.refreshToken",
  "*.accessToken",
  "*.token",
];

/** The part of a request target before `?`: query strings carry GET variables, passwords included. */
export function pathOnly(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  const query = url.search(/[?#]/);
  return query === -1 ? url : url.slice(0, query);
}

interface LoggableRequest {
  method?: unknown;
  url?: unknown;
  host?: unknown;
  ip?: unknown;
  socket?: { remotePort?: unknown } | null;
}

/**
 * Replaces Fastify's `req` serializer, which logs `url` verbatim: a GET /graphql?variables=…
 * would write whatever the client put there (a password, a refresh token) into the log.
 */
function serializeRequest(req: LoggableRequest): Record<string, unknown> {
  return { method: req.method, path: pathOnly(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, serializers: { req: serializeRequest } }, destination);
}
