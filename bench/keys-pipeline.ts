import type { ApolloServer } from "@apollo/server";
import { loadConfig } from "../src/config";
import { openCore } from "../src/core";
import { BODY_TRANSPORT, buildContext, type GraphQLContext } from "../src/graphql";
import { MODULES } from "../src/modules";
import { BENCH_PASSWORD } from "./accounts";
import { createVariantApollo } from "./authz-apollo";
import { ME_QUERY } from "./authorize-cost";
import type { AlgorithmServer, BenchAlgorithm } from "./keys-servers";

const BLOCK = 500;
export const PIPELINE_BLOCKS = 16;
const WARMUP = 2000;
const CLIENT = { ip: "127.0.0.1", userAgent: null, requestId: null };

interface Pipeline {
  algorithm: BenchAlgorithm;
  me(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `me` as the server runs it minus HTTP: the context (bearer token verified, session read through
 * the cache) and production's Apollo pipeline, on an in-process core beside each server (its
 * database on PostgreSQL; else an in-memory PGlite), in alternating blocks of 500. CPU µs per operation of each block (block i of one algorithm ran
 * next to block i of the other): the verify's share without the network's noise.
 */
export async function pipelineCpuMicros(servers: AlgorithmServer[]): Promise<Record<BenchAlgorithm, number[]>> {
  const pipelines: Pipeline[] = [];
  try {
    for (const server of servers) pipelines.push(await openPipeline(server));
    for (const p of pipelines) for (let i = 0; i < WARMUP; i++) await p.me();
    const samples: Record<BenchAlgorithm, number[]> = { HS256: [], ES256: [] };
    for (let block = 0; block < PIPELINE_BLOCKS; block++) {
      for (const p of block % 2 === 0 ? pipelines : [...pipelines].reverse()) {
        const before = process.cpuUsage();
        for (let i = 0; i < BLOCK; i++) await p.me();
        const used = process.cpuUsage(before);
        samples[p.algorithm].push((used.user + used.system) / BLOCK);
      }
    }
    return samples;
  } finally {
    for (const p of pipelines) await p.close();
  }
}

/** A core of the server's own deployment (same keys and secrets), opened in this process. */
async function openPipeline({ algorithm, sibling }: AlgorithmServer): Promise<Pipeline> {
  const env = { NODE_ENV: "production", LOG_LEVEL: "warn", ...sibling.env, DATABASE_URL: sibling.databaseUrl };
  const core = await openCore(loadConfig(env), MODULES);
  const apollo: ApolloServer<GraphQLContext> = createVariantApollo("with", (error) => core.logger.error({ err: error }, "unexpected error in GraphQL execution"));
  try {
    await apollo.start();
    const pair = await core.auth.signups.signup({ email: "keys-pipeline@example.com", password: BENCH_PASSWORD }, CLIENT);
    const authorization = `Bearer ${pair.accessToken}`;
    const me = async () => {
      const contextValue = await buildContext(core.services, { authorization, client: CLIENT, refreshTransport: BODY_TRANSPORT });
      const response = await apollo.executeOperation({ query: ME_QUERY }, { contextValue });
      if (response.body.kind !== "single" || response.body.singleResult.errors) throw new Error(`me failed (${algorithm}): ${JSON.stringify(response.body)}`);
    };
    return { algorithm, me, close: async () => Promise.all([apollo.stop(), core.close()]).then(() => undefined) };
  } catch (error) {
    await core.close();
    throw error;
  }
}
