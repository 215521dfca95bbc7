import type { FastifyRequest } from "fastify";
import { type DocumentNode, getOperationAST, getVariableValues, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { responseMediaType } from "./media-type";
import type { ValidatedDocuments } from "./validated-documents";

/** A request the fast lane answers: everything Apollo would check before building a context, passed. */
export interface FastOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** As the request carried them (execution coerces them again, exactly as Apollo's does). */
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  contentType: string;
}

/**
 * Takes a request only where Apollo's answer cannot differ but for the work it does: a POST of a
 * JSON object (so Apollo's CSRF check passes), well-typed fields, no persisted query, an Accept
 * header Apollo can satisfy, a document that parses and validates under the same rules, an operation
 * that resolves and is not a subscription, and variables that coerce. Anything else (null) goes to
 * Apollo, which answers it with its own errors. Pure: nothing is spent or written here.
 */
export function admit(request: FastifyRequest, schema: GraphQLSchema, documents: ValidatedDocuments): FastOperation | null {
  if (request.method !== "POST" || !isJson(request.headers["content-type"])) return null;
  const body = request.body;
  if (!isRecord(body)) return null;
  const { query, operationName, variables, extensions } = body;
  if (typeof query !== "string" || query === "") return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return null;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return null;
  if (extensions !== undefined && extensions !== null && (!isRecord(extensions) || "persistedQuery" in extensions)) return null;
  const contentType = responseMediaType(request.headers.accept);
  if (!contentType) return null;
  const document = documents.get(query);
  if (!document) return null;
  const name = operationName ?? undefined;
  const operation = getOperationAST(document, name);
  if (!operation || operation.operation === "subscription") return null;
  const raw = variables ?? undefined;
  if (getVariableValues(schema, operation.variableDefinitions ?? [], raw ?? {}).errors) return null;
  return { document, operation, operationName: name, variables: raw, contentType };
}

/** `application/json`, with or without parameters: a type a browser cannot send cross-site unpreflighted. */
function isJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const semicolon = contentType.indexOf(";");
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase() === "application/json";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
