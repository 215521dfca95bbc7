import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { ApolloServer } from "@apollo/server";
import { loadConfig } from "../src/config";
import { openCore } from "../src/core";
import { BODY_TRANSPORT, buildContext, type GraphQLContext } from "../src/graphql";
import { MODULES } from "../src/modules";
import { BENCH_PASSWORD } from "./accounts";
import { createVariantApollo, type Variant } from "./authz-apollo";
import { ME_QUERY } from "./authorize-cost";

const BLOCK = 500;
const BLOCKS = 30;
const WARMUP = 3000;
const CLIENT = { ip: "127.0.0.1", userAgent: null, requestId: null };

/**
 * `me` through the whole Apollo request pipeline (document cache, validation, plugins, execution),
 * in this process and without HTTP, for both variants in alternating blocks of 500: µs per
 * operation of each block (block i of one variant ran next to block i of the other). Same
 * process, same heap, blocks a few ms apart, so load from elsewhere on the machine falls on both
 * alike: the plugin's cost, hooks included, without the noise of a network benchmark. The viewer
 * is real: signed up on an in-memory PGlite core.
 */
export async function pipelineMicros(): Promise<Record<Variant, number[]>> {
  const config = loadConfig({ NODE_ENV: "production", DATABASE_URL: "pglite:memory", JWT_SECRET: randomBytes(48).toString("base64url"), LOG_LEVEL: "warn" });
  const core = await openCore(config, MODULES);
  const logError = (error: unknown) => core.logger.error({ err: error }, "unexpected error in GraphQL execution");
  const servers = { with: createVariantApollo("with", logError), without: createVariantApollo("without", logError) };
  try {
    await Promise.all([servers.with.start(), servers.without.start()]);
    const pair = await core.auth.signups.signup({ email: "pipeline@example.com", password: BENCH_PASSWORD }, CLIENT);
    const context = await buildContext(core.services, { authorization: `Bearer ${pair.accessToken}`, client: CLIENT, refreshTransport: BODY_TRANSPORT });
    const samples: Record<Variant, number[]> = { with: [], without: [] };
    for (const server of Object.values(servers)) for (let i = 0; i < WARMUP; i++) await me(server, context);
    for (let block = 0; block < BLOCKS; block++) {
      for (const variant of block % 2 === 0 ? (["with", "without"] as const) : (["without", "with"] as const)) {
        const start = performance.now();
        for (let i = 0; i < BLOCK; i++) await me(servers[variant], context);
        samples[variant].push(((performance.now() - start) * 1000) / BLOCK);
      }
    }
    return samples;
  } finally {
    await Promise.all([servers.with.stop(), servers.without.stop()]);
    await core.close();
  }
}

async function me(server: ApolloServer<GraphQLContext>, contextValue: GraphQLContext): Promise<void> {
  const response = await server.executeOperation({ query: ME_QUERY }, { contextValue });
  if (response.body.kind !== "single" || response.body.singleResult.errors) throw new Error(`me failed: ${JSON.stringify(response.body)}`);
}
