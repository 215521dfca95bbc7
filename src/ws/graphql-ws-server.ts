import type { ExecutionArgs, GraphQLError, GraphQLFormattedError, GraphQLSchema } from "graphql";
import { type Context as WsContext, makeServer, type SubscribePayload } from "graphql-ws";
import type { Logger } from "pino";
import type { WebSocket } from "ws";
import { type Clock, type ClientInfo, unauthenticated } from "../auth";
import { BODY_TRANSPORT, buildContext, type GraphQLContext, PreExecutionError, type QueryLimits, type Services } from "../graphql";
import { WS_CLOSE } from "./close-codes";
import { ConnectionCounter, TokenBucket } from "./connection-limits";
import { failable } from "./failable-iterator";
import { admitOperation } from "./operation-admission";
import { authenticateConnection } from "./connection-auth";
import { DEFAULT_ENFORCER_TIMINGS, type EnforcerTimings, SessionEnforcer } from "./session-enforcer";
import { closeOnce, type SocketExtra, serveSocket } from "./socket-glue";
import { markRevocationDelivered, newConnection, revokesThisSession, type WsConnection } from "./ws-connection";
import type { WebSocketLimits } from "./ws-limits";
import { operationIdInUse, shuttingDown, tooManyOperations } from "./ws-errors";

export interface GraphqlWsOptions {
  schema: GraphQLSchema;
  services: Services;
  clock: Clock;
  logger: Logger;
  queryLimits: QueryLimits;
  /** As over HTTP: off in production unless INTROSPECTION=true. */
  introspection: boolean;
  limits: WebSocketLimits;
  /** The HTTP transport's formatter: one mapping from errors to what clients see. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** Keys a client address by network (IPv6 /prefix), as the rate limits do. */
  networkKey(ip: string | null): string;
  timings?: EnforcerTimings;
}

export interface GraphqlWs {
  /** Serves one upgraded socket of GET /graphql (subprotocol `graphql-transport-ws`). */
  handle(socket: WebSocket, client: ClientInfo): void;
  /** Lets running queries and mutations finish (at most `graceMs`), then closes every socket with 1001. */
  close(graceMs?: number): Promise<void>;
  readonly connections: number;
}

type Ctx = WsContext<Record<string, unknown>, SocketExtra & { connection: WsConnection }>;

/** GraphQL over websockets: the HTTP transport's schema, limits, authorization and errors, held to the session. */
export function createGraphqlWs(options: GraphqlWsOptions): GraphqlWs {
  const { services, clock, logger, limits } = options;
  const enforcer = new SessionEnforcer(services.auth, clock, options.timings ?? DEFAULT_ENFORCER_TIMINGS);
  const perUser = new ConnectionCounter(limits.maxConnectionsPerUser);
  const perNetwork = new ConnectionCounter(limits.maxConnectionsPerIp);
  const open = new Set<WsConnection>();
  let accepting = true;

  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      // An error raised outside a resolver (a subscription ended by the server) has no path:
      // the formatter unwraps it like a pre-execution denial so its code reaches the client.
      const target = !error.path && error.originalError && !(error instanceof PreExecutionError) ? new PreExecutionError(error.originalError) : error;
      return options.formatError(target.toJSON(), target);
    });

  const server = makeServer<Record<string, unknown>, SocketExtra & { connection: WsConnection }>({
    schema: options.schema,
    connectionInitWaitTimeout: 3_000,
    onConnect: async (ctx: Ctx) => {
      const connection = ctx.extra.connection;
      const since = enforcer.since();
      const admitted = await authenticateConnection(services.auth, ctx.connectionParams, perUser, clock);
      if (!admitted.ok) {
        connection.close(admitted.code, admitted.reason);
        return false;
      }
      if (connection.closed) {
        // The client left while its token was being checked: give back the slot just taken.
        if (admitted.claims) perUser.remove(admitted.claims.sub);
        return false;
      }
      connection.authorization = admitted.authorization;
      connection.claims = admitted.claims;
      enforcer.track(connection);
      // A revocation published while the token was being checked did not find this socket.
      enforcer.catchUp(connection, since);
      return true;
    },
    onSubscribe: async (ctx: Ctx, id, payload) => {
      const connection = ctx.extra.connection;
      // graphql-ws frees an id as soon as the client completes it, even while that operation is
      // still starting; run twice, both would share one entry here and the enforcer could no
      // longer end the other one when its role is lost.
      if (connection.operations.has(id) || connection.starting.has(id)) return [operationIdInUse(id)];
      if (!accepting) return [new PreExecutionError(shuttingDown())];
      if (connection.operations.size + connection.starting.size >= limits.maxOperationsPerSocket || !connection.subscribeBudget.take()) {
        return [new PreExecutionError(tooManyOperations())];
      }
      // Reserved under the cap now, before the first await: concurrent subscribe messages on one
      // socket would otherwise all pass the check above before any of them is counted.
      connection.starting.add(id);
      try {
        return await startOperation(connection, id, payload);
      } finally {
        connection.starting.delete(id);
      }
    },
    onOperation: (ctx: Ctx, id, _payload, _args, result) => {
      const operation = ctx.extra.connection.operations.get(id);
      if (!operation || !(Symbol.asyncIterator in result)) return undefined;
      const wrapped = failable(result as AsyncIterable<unknown>);
      operation.fail = wrapped.fail;
      // The enforcer may have ended it between admission and now (the stream was being created).
      if (operation.failure) wrapped.fail(operation.failure);
      return wrapped.iterator as unknown as typeof result;
    },
    onNext: (ctx: Ctx, id, _payload, _args, result) => {
      const connection = ctx.extra.connection;
      if (connection.operations.get(id)?.sessionEvents && revokesThisSession(result.data)) markRevocationDelivered(connection);
      return result.errors ? { ...result, errors: format(result.errors) } : undefined;
    },
    onError: (_ctx: Ctx, _id, _payload, errors) => format(errors),
    onComplete: (ctx: Ctx, id) => finish(ctx.extra.connection, id),
    onClose: (ctx: Ctx) => {
      const connection = ctx.extra.connection;
      connection.closed = true;
      open.delete(connection);
      enforcer.untrack(connection);
      if (connection.claims) perUser.remove(connection.claims.sub);
      perNetwork.remove(options.networkKey(connection.client.ip));
    },
  });

  async function startOperation(connection: WsConnection, id: string, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> {
    const since = enforcer.since();
    const context = await buildContext(services, {
      authorization: connection.authorization,
      client: connection.client,
      refreshTransport: BODY_TRANSPORT,
    });
    if (connection.authorization && !context.viewer && !context.authError) {
      // The session ended (or the token expired) since the handshake: the socket goes with it.
      const code = context.authFailure === "SESSION_REVOKED" ? WS_CLOSE.SESSION_REVOKED : WS_CLOSE.UNAUTHENTICATED;
      const reason = context.authFailure ?? "TOKEN_INVALID";
      connection.close(code, reason);
      return [new PreExecutionError(unauthenticated(reason))];
    }
    const admitted = admitOperation(options.schema, options.queryLimits, options.introspection, payload, context);
    if (Array.isArray(admitted)) return admitted;
    connection.operations.set(id, {
      role: admitted.role,
      subscription: admitted.subscription,
      sessionEvents: admitted.sessionEvents,
      failure: null,
      fail: () => undefined,
    });
    if (!admitted.subscription) connection.inFlight += 1;
    // A role change or revocation that landed while the context was being built found this
    // operation not yet registered: look again now that it is.
    enforcer.catchUp(connection, since);
    return admitted.args;
  }

  function finish(connection: WsConnection, id: string): void {
    const operation = connection.operations.get(id);
    connection.operations.delete(id);
    if (operation && !operation.subscription) connection.inFlight -= 1;
  }

  return {
    get connections() {
      return open.size;
    },
    handle(socket, client) {
      const connection = newConnection(socket, client, limits, clock);
      if (!accepting) return closeOnce(socket, WS_CLOSE.GOING_AWAY, "Server is shutting down");
      // A socket without a known address shares one "unknown" budget rather than escaping the cap.
      if (!perNetwork.tryAdd(options.networkKey(client.ip))) {
        return closeOnce(socket, WS_CLOSE.TOO_MANY_CONNECTIONS, "TOO_MANY_CONNECTIONS");
      }
      open.add(connection);
      serveSocket(server, { socket, connection }, logger);
    },
    async close(graceMs = 5_000) {
      accepting = false;
      const deadline = Date.now() + graceMs;
      while ([...open].some((c) => c.inFlight > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // Stopped only now: a revocation during the drain still closes its socket with 4403.
      enforcer.stop();
      for (const connection of open) connection.close(WS_CLOSE.GOING_AWAY, "Server is shutting down");
    },
  };
}
