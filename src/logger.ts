import pino, { type Logger } from "pino";
import type { PrettyOptions } from "pino-pretty";

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

export type LogFormat = "auto" | "json" | "pretty";

/**
 * `auto` is pretty only where a person reads it: a development server writing to a terminal.
 * Anything piped (a log shipper, a test harness, production) gets JSON.
 */
export function resolveLogFormat(format: LogFormat, nodeEnv: string, isTerminal: boolean): "json" | "pretty" {
  if (format !== "auto") return format;
  return nodeEnv === "development" && isTerminal ? "pretty" : "json";
}

export function createLogger(level: string, destination?: pino.DestinationStream, format: "json" | "pretty" = "json"): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, serializers: { req: serializeRequest } };
  if (format === "json") return pino(options, destination);
  return pino(options, prettyStream(destination));
}

interface RequestLine {
  req?: { method?: string; path?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  operation?: string;
}

/** `12:04:05.123 INFO POST /graphql 200 4.1 ms login`: the request line's fields become its message. */
function prettyStream(destination?: pino.DestinationStream): pino.DestinationStream {
  // Loaded only for a terminal: JSON logging (production) never needs it.
  const pinoPretty = require("pino-pretty") as (options: PrettyOptions) => pino.DestinationStream;
  return pinoPretty({
    destination: destination ?? 1,
    sync: true,
    colorize: destination === undefined && process.stdout.isTTY === true,
    translateTime: "SYS:HH:MM:ss.l",
    singleLine: true,
    ignore: "pid,hostname,reqId,req,res,responseTime,operation",
    messageFormat: (log, messageKey) => {
      const line = log as RequestLine;
      if (!line.req || !line.res) return String(log[messageKey] ?? "");
      const operation = line.operation ? ` ${line.operation}` : "";
      return `${line.req.method ?? ""} ${line.req.path ?? ""} ${line.res.statusCode ?? ""} ${line.responseTime ?? ""} ms${operation}`;
    },
  });
}
