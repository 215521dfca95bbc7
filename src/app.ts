import type { FastifyInstance } from "fastify";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Auth } from "./auth";
import type { Config } from "./config";
import { type Core, type CoreOverrides, type Module, openCore } from "./core";
import { countLiveSessions, type Database, toServiceUnavailable } from "./db";
import { buildSchema } from "./graphql";
import { createHttpServer } from "./http";
import { createServerMetrics, type ServerMetrics } from "./metrics";
import { MODULES } from "./modules";
import { createWebSocketTransport } from "./websocket-transport";

export interface AppOverrides extends CoreOverrides {
  /** The server's modules; default: the registered list in src/modules/index.ts. */
  modules?: readonly Module[];
  /** False: every GraphQL request through Apollo's pipeline (to compare the lanes; see HttpServerOptions). */
  fastLane?: boolean;
}

export interface App {
  config: Readonly<Config>;
  core: Core;
  auth: Auth;
  db: Database;
  http: FastifyInstance;
  logger: Logger;
  /** Starts listening; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting connections, lets in-flight requests finish, then closes the core. */
  close(): Promise<void>;
}

/** Composition root: the core, opened once, served over HTTP and websockets on one port. */
export async function createApp(config: Readonly<Config>, overrides: AppOverrides = {}): Promise<App> {
  const modules = overrides.modules ?? MODULES;
  const metrics = createServerMetrics();
  const opening = openCore(config, modules, { ...overrides, outcomes: metrics.auth });
  // Built while the core waits on its database (an embedded one boots on another thread), not after.
  let schema: GraphQLSchema;
  try {
    schema = buildSchema(modules);
  } catch (error) {
    await opening.then((core) => core.close()).catch(() => undefined);
    throw error;
  }
  const core = await opening;
  try {
    const websocket = createWebSocketTransport(core, schema, config);
    watchLiveState(metrics, core, websocket);
    const http = await createHttpServer({
      schema,
      services: core.services,
      readiness: core.db,
      logger: core.logger,
      introspection: config.introspection,
      development: config.nodeEnv === "development",
      corsOrigins: config.corsOrigins,
      corsAllowedHeaders: config.corsAllowedHeaders,
      trustProxy: config.trustProxy,
      timeouts: config.httpTimeouts,
      translateError: toServiceUnavailable,
      websocket,
      ...(overrides.fastLane === false ? { fastLane: false } : {}),
      discovery: {
        keys: core.auth.keys,
        issuer: config.jwt.issuer,
        publicUrl: config.publicUrl,
        jwksMaxAgeSeconds: config.jwt.jwksMaxAgeSeconds,
        introspection: config.serviceCredentials.length > 0,
      },
      ...(config.serviceCredentials.length > 0
        ? {
            tokenStatus: {
              viewers: core.auth.viewers,
              credentials: config.serviceCredentials,
              issuer: config.jwt.issuer,
              audience: config.jwt.audience,
              isOutage: (error: unknown) => toServiceUnavailable(error) !== null,
            },
          }
        : {}),
      metrics: {
        graphql: metrics.graphql,
        http: metrics.http,
        contentType: metrics.contentType,
        render: () => metrics.render(),
        token: config.metricsToken,
      },
    });
    core.startJobs();
    return {
      config,
      core,
      auth: core.auth,
      db: core.db,
      http,
      logger: core.logger,
      listen: () => http.listen({ port: config.port, host: config.host }),
      close: async () => {
        await http.close();
        await core.close();
      },
    };
  } catch (error) {
    await core.close().catch(() => undefined);
    throw error;
  }
}

/** The gauges read at scrape time: live sessions (cached), this instance's sockets, the pool. */
function watchLiveState(metrics: ServerMetrics, core: Core, websocket: { readonly connections: number }): void {
  metrics.watch({
    countActiveSessions: () => countLiveSessions(core.db.prisma, core.clock.now()),
    openSockets: () => websocket.connections,
    pool: core.db.poolStats,
    clock: core.clock,
    onError: (error) => core.logger.warn({ err: error }, "metrics: live sessions could not be counted"),
  });
}
