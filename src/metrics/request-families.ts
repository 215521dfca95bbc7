import type { Registry } from "prom-client";
import { KeyedCounter, KeyedHistogram } from "./keyed-series";
import { codeLabel, OperationNameLabels, OTHER } from "./label-bounds";

/** Distinct client-chosen operation names given their own series; the rest are "other". */
export const MAX_OPERATION_NAMES = 50;

/** Seconds: from a cached token check (~1 ms) past an argon2 verify (~50 ms) to a database timeout (5 s). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METHODS = ["GET", "POST", "OPTIONS", "HEAD"];

export interface GraphqlRequestCounters {
  request(operationName: string | null, errorCode: string | null, seconds: number): void;
  rootField(coordinate: string, errorCode: string | null): void;
}

export interface HttpRequestCounters {
  request(method: string, route: string | null, statusCode: number, seconds: number): void;
}

/**
 * GraphQL over HTTP, per operation: a counter by the first error's code, and a latency histogram
 * by ok/error only, since a histogram costs a dozen series per label set.
 */
export function createGraphqlCounters(registry: Registry, maxOperationNames = MAX_OPERATION_NAMES): GraphqlRequestCounters {
  const registers = [registry];
  const names = new OperationNameLabels(maxOperationNames);
  const requests = new KeyedCounter({
    name: "graphql_requests_total",
    labelNames: ["operation", "code"],
    help: `GraphQL requests over HTTP by operation name (the first ${maxOperationNames} distinct names; later ones are "other", unnamed ones "anonymous") and the code of the first error (OK without one).`,
    registers,
  });
  const duration = new KeyedHistogram({
    name: "graphql_request_duration_seconds",
    labelNames: ["operation", "outcome"],
    help: "GraphQL requests over HTTP, from Apollo's request pipeline start (after body parsing and context) to the response, by operation and outcome (ok or error).",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const rootFields = new KeyedCounter({
    name: "graphql_root_field_results_total",
    labelNames: ["field", "code"],
    help: "Root fields of executed GraphQL operations over HTTP (Type.field, from the schema, so bounded) by the code of their error (OK without one).",
    registers,
  });
  return {
    request(operationName, errorCode, seconds) {
      const operation = names.label(operationName);
      requests.inc([operation, codeLabel(errorCode)]);
      duration.observe([operation, errorCode === null ? "ok" : "error"], seconds);
    },
    rootField(coordinate, errorCode) {
      rootFields.inc([coordinate, codeLabel(errorCode)]);
    },
  };
}

/** Every HTTP request (GraphQL, health, discovery, refusals before Apollo such as 413 or CSRF), by route pattern. */
export function createHttpCounters(registry: Registry): HttpRequestCounters {
  const registers = [registry];
  const labelNames = ["method", "route", "status_code"];
  const requests = new KeyedCounter({ name: "http_requests_total", help: "HTTP requests by method, route pattern (\"unmatched\" for 404s) and status code.", labelNames, registers });
  const duration = new KeyedHistogram({
    name: "http_request_duration_seconds",
    labelNames,
    help: "HTTP request duration, from the request's arrival to the response, by method, route pattern and status code.",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  return {
    request(method, route, statusCode, seconds) {
      // The route pattern, never the URL (ids, query strings); methods outside the served ones are one label.
      const values = [METHODS.includes(method) ? method : OTHER, route ?? "unmatched", String(statusCode)];
      requests.inc(values);
      duration.observe(values, seconds);
    },
  };
}
