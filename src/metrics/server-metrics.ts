import { Registry } from "prom-client";
import { type AuthOutcomes, createAuthOutcomes } from "./auth-outcomes";
import { type LiveSources, registerLiveGauges } from "./live-gauges";
import { processMetrics } from "./process-metrics";
import { createGraphqlCounters, createHttpCounters, type GraphqlRequestCounters, type HttpRequestCounters } from "./request-families";

/** One server's metrics: what the core, the transports and the scrape route are given. */
export interface ServerMetrics {
  readonly auth: AuthOutcomes;
  readonly graphql: GraphqlRequestCounters;
  readonly http: HttpRequestCounters;
  /** Adds the gauges read at scrape time, once the database and the transports exist. */
  watch(sources: LiveSources): void;
  readonly contentType: string;
  /** The Prometheus text exposition: the process's metrics, then this server's. */
  render(): Promise<string>;
}

/**
 * A registry per server, never prom-client's global default one: a process may run several
 * servers (the tests start many), and each must count only its own requests.
 */
export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  return {
    auth: createAuthOutcomes(registry),
    graphql: createGraphqlCounters(registry),
    http: createHttpCounters(registry),
    watch: (sources) => registerLiveGauges(registry, sources),
    contentType: registry.contentType,
    render: async () => (await processMetrics().metrics()) + (await registry.metrics()),
  };
}
