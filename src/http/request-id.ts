import { randomUUID } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { FastifyInstance } from "fastify";
import type { GraphQLFormattedError } from "graphql";
import type { IncomingMessage } from "node:http";
import type { GraphQLContext } from "../graphql";

export const REQUEST_ID_HEADER = "x-request-id";
// An incoming id is echoed into logs and responses, so only a short, inert token is accepted.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify genReqId: the caller's x-request-id when it is well-formed, otherwise a fresh UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === "string" && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
}

/** Every response carries the id, so a client can quote it and an operator can grep the logs. */
export function echoRequestId(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
}

/** Each error with `extensions.requestId` (none without an id). */
export function withRequestId(
  errors: readonly GraphQLFormattedError[] | undefined,
  requestId: string | null | undefined,
): readonly GraphQLFormattedError[] | undefined {
  if (!errors || !requestId) return errors;
  return errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId } }));
}

/** Adds `extensions.requestId` to every GraphQL error. */
export const requestIdInErrors: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== "single") return;
        response.body.singleResult.errors = withRequestId(response.body.singleResult.errors, contextValue.client?.requestId);
      },
    };
  },
};
