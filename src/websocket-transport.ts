import { clientNetworkKey } from "./auth";
import type { Config } from "./config";
import type { Core } from "./core";
import { toServiceUnavailable } from "./db";
import { createErrorFormatter, createQueryLimits } from "./graphql";
import type { GraphQLSchema } from "graphql";
import { MAX_BODY_BYTES, type WebSocketTransport } from "./http";
import { createGraphqlWs } from "./ws";

/** Operations a socket may start at once, then per second, and run at the same time. */
const SUBSCRIBE_BURST = 20;
const SUBSCRIBE_PER_SECOND = 10;
const MAX_OPERATIONS_PER_SOCKET = 50;

/** The websocket transport over the same core and schema as HTTP, with the same limits and error mapping. */
export function createWebSocketTransport(
  core: Core,
  schema: GraphQLSchema,
  config: Readonly<Config>,
): WebSocketTransport & { readonly connections: number } {
  const development = config.nodeEnv === "development";
  const graphqlWs = createGraphqlWs({
    schema,
    services: core.services,
    clock: core.clock,
    logger: core.logger,
    queryLimits: createQueryLimits({ hideSuggestions: !development }),
    introspection: config.introspection,
    limits: {
      maxConnectionsPerUser: config.websocket.maxConnectionsPerUser,
      maxConnectionsPerIp: config.websocket.maxConnectionsPerIp,
      maxMessageBytes: MAX_BODY_BYTES,
      subscribeBurst: SUBSCRIBE_BURST,
      subscribePerSecond: SUBSCRIBE_PER_SECOND,
      maxOperationsPerSocket: MAX_OPERATIONS_PER_SOCKET,
    },
    formatError: createErrorFormatter({
      exposeInternalMessages: development,
      logError: (error) => core.logger.error({ err: error }, "unexpected error in GraphQL execution"),
      translate: toServiceUnavailable,
    }),
    networkKey: (ip) => clientNetworkKey(ip, config.rateLimitIpv6Prefix),
  });
  return {
    handle: (socket, client) => graphqlWs.handle(socket, client),
    close: () => graphqlWs.close(),
    maxMessageBytes: MAX_BODY_BYTES,
    get connections() {
      return graphqlWs.connections;
    },
  };
}
