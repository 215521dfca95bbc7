/**
 * The server of the authorization A/B bench, started as a child process with argv[2] = "with" or
 * "without": the core and context builder behind Fastify and the Apollo of bench/authz-apollo.ts.
 * The two variants differ only in `authorizationPlugin`.
 */
import { fastifyApolloHandler } from "@as-integrations/fastify";
import Fastify from "fastify";
import { loadConfig } from "../src/config";
import { openCore } from "../src/core";
import { BODY_TRANSPORT, buildContext, type GraphQLContext } from "../src/graphql";
import { GRAPHQL_PATH, MAX_BODY_BYTES } from "../src/http";
import { MODULES } from "../src/modules";
import { createVariantApollo } from "./authz-apollo";

async function main(): Promise<void> {
  const variant = process.argv[2];
  if (variant !== "with" && variant !== "without") throw new Error("usage: bench/authz-server.ts with|without");
  const config = loadConfig();
  const core = await openCore(config, MODULES);
  const apollo = createVariantApollo(variant, (error) => core.logger.error({ err: error }, "unexpected error in GraphQL execution"));
  await apollo.start();
  const app = Fastify({ bodyLimit: MAX_BODY_BYTES });
  app.get("/ready", async () => ({ ready: true }));
  app.post(
    GRAPHQL_PATH,
    fastifyApolloHandler<GraphQLContext>(apollo, {
      context: async (request) =>
        buildContext(core.services, {
          authorization: request.headers.authorization,
          client: { ip: request.ip, userAgent: null, requestId: null },
          refreshTransport: BODY_TRANSPORT,
        }),
    }),
  );
  await app.listen({ port: config.port, host: config.host });
  process.once("SIGTERM", () => {
    void (async () => {
      await app.close();
      await apollo.stop();
      await core.close();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`authorization bench server failed: ${String(error)}\n`);
  process.exit(1);
});
