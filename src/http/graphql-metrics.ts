import { performance } from "node:perf_hooks";
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, GraphQLFormattedError, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { GraphQLContext } from "../graphql";
import { type RootField, rootFieldsOf } from "./root-fields";

/** What the HTTP transport reports per GraphQL request; the metrics layer bounds the labels. */
export interface GraphqlMetrics {
  /**
   * The operation's name (client-chosen; null when anonymous), the first error's code (null
   * without errors) and the seconds from Apollo's request start to its response.
   */
  request(operationName: string | null, errorCode: string | null, seconds: number): void;
  /** One root field of a validated operation, e.g. "Mutation.login", and the code of its error (null without one). */
  rootField(coordinate: string, errorCode: string | null): void;
}

/**
 * Counts every request Apollo's pipeline handles, after the error formatter has run, so codes are
 * the ones clients see. Requests refused before the pipeline (CSRF, a malformed body, 413) are
 * only in the HTTP request counters.
 */
export function graphqlMetrics(metrics: GraphqlMetrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, request, operationName, operation, document, schema }) {
          const body = response.body;
          countRequest(metrics, {
            operationName: operationName ?? request.operationName ?? null,
            errors: body.kind === "single" ? body.singleResult.errors : body.initialResult.errors,
            started,
            ...(operation && document ? { executed: { schema, operation, document } } : {}),
          });
        },
      };
    },
  };
}

export interface AnsweredRequest {
  operationName: string | null;
  /** As the client sees them. */
  errors: readonly GraphQLFormattedError[] | undefined;
  /** performance.now() when the pipeline began (after the context was built). */
  started: number;
  /** Present once an operation was resolved in a validated document. */
  executed?: { schema: GraphQLSchema; operation: OperationDefinitionNode; document: DocumentNode };
}

/** One answered request, counted the same whichever lane answered it (Apollo's or the fast one). */
export function countRequest(metrics: GraphqlMetrics, answered: AnsweredRequest): void {
  const { errors, executed } = answered;
  const first = errors?.[0];
  metrics.request(answered.operationName, first ? codeOf(first) : null, (performance.now() - answered.started) / 1000);
  if (!executed) return;
  for (const field of rootFieldsCached(executed)) metrics.rootField(field.coordinate, codeFor(field.key, errors));
}

/**
 * Both lanes keep validated documents (the fast lane's cache, Apollo's document store) and hand
 * the same operation node to every request of one text: its root fields are walked once.
 */
const rootFieldsByOperation = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; fields: RootField[] }>();

function rootFieldsCached(executed: NonNullable<AnsweredRequest["executed"]>): RootField[] {
  const known = rootFieldsByOperation.get(executed.operation);
  if (known?.schema === executed.schema) return known.fields;
  const fields = rootFieldsOf(executed.schema, executed.operation, executed.document);
  rootFieldsByOperation.set(executed.operation, { schema: executed.schema, fields });
  return fields;
}

/** A field's error: one under its response key, or one without a path (the whole operation was refused). */
function codeFor(key: string, errors: readonly GraphQLFormattedError[] | undefined): string | null {
  const error = errors?.find((e) => !e.path?.length || e.path[0] === key);
  return error ? codeOf(error) : null;
}

function codeOf(error: GraphQLFormattedError): string {
  const code = error.extensions?.code;
  return typeof code === "string" ? code : "";
}
