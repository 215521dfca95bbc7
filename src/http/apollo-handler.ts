import { Readable } from "node:stream";
import { type ApolloServer, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * Fastify → Apollo, as @as-integrations/fastify does it but for one thing: the query string is cut
 * from the request's own URL. The integration rebuilt a whole URL from the Host header, and a Host
 * that is no valid authority ("exa mple", "[::1") threw there: an HTTP 500 for the client's bad input.
 */
export function apolloHandler<TContext extends object>(apollo: ApolloServer<TContext>, context: (request: FastifyRequest, reply: FastifyReply) => Promise<TContext>) {
  apollo.assertStarted("apolloHandler()");
  return async (request: FastifyRequest, reply: FastifyReply): Promise<string | FastifyReply> => {
    const answer = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: graphqlRequestOf(request),
      context: () => context(request, reply),
    });
    for (const [name, value] of answer.headers) void reply.header(name, value);
    void reply.code(answer.status ?? 200);
    if (answer.body.kind === "complete") return answer.body.string;
    return reply.send(Readable.from(answer.body.asyncIterator));
  };
}

function graphqlRequestOf(request: FastifyRequest): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return { method: request.method.toUpperCase(), headers, body: request.body, search: searchOf(request.url) };
}

/** `?…` of a request target, without a fragment (which no client should send, and URL drops). */
export function searchOf(target: string): string {
  const fragment = target.indexOf("#");
  const path = fragment === -1 ? target : target.slice(0, fragment);
  const query = path.indexOf("?");
  return query === -1 ? "" : path.slice(query);
}
