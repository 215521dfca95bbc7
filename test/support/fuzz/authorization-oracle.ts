import { createHmac } from "node:crypto";
import { type DocumentNode, type GraphQLSchema, Kind, OperationTypeNode, parse, type SelectionSetNode } from "graphql";
import { policyOf } from "../../../src/graphql";
import type { FuzzRequest } from "./values";

/**
 * Independent of the server's own token and policy code, so it cannot share their bugs: an
 * anonymous request must never receive data for a root field whose policy is anything but @public.
 */
export interface AuthorizationOracle {
  /** Per operation type, the root fields an anonymous caller may not read. */
  guarded: ReadonlyMap<OperationTypeNode, ReadonlySet<string>>;
  /** The server's HS256 key: the only way to tell an authentic token from a forged one. */
  jwtKey: string;
}

/** Every root field whose policy is not @public (role-gated or denied), read from the schema itself. */
export function guardedRootFields(schema: GraphQLSchema): Map<OperationTypeNode, Set<string>> {
  const roots = [
    [OperationTypeNode.QUERY, schema.getQueryType()],
    [OperationTypeNode.MUTATION, schema.getMutationType()],
    [OperationTypeNode.SUBSCRIPTION, schema.getSubscriptionType()],
  ] as const;
  const guarded = new Map<OperationTypeNode, Set<string>>();
  for (const [operation, type] of roots) {
    if (!type) continue;
    const fields = Object.entries(type.toConfig().fields).filter(([, field]) => policyOf(schema, field, type).kind !== "public");
    guarded.set(operation, new Set(fields.map(([name]) => name)));
  }
  return guarded;
}

function decodeJsonObject(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * True only for `Bearer <three-part token>` whose header says HS256 and whose signature verifies
 * with `key`: a token only the server (or this harness) could have made. Anything else, no header,
 * alg none, a wrong key or a mangled signature, is anonymous.
 */
export function carriesAuthenticToken(authorization: string | undefined, key: string): boolean {
  const token = authorization === undefined ? undefined : /^bearer\s+(\S+)\s*$/i.exec(authorization.trim())?.[1];
  const parts = token?.split(".") ?? [];
  if (parts.length !== 3) return false;
  const [header = "", payload = "", signature = ""] = parts;
  if (decodeJsonObject(header)?.alg !== "HS256") return false;
  const expected = createHmac("sha256", key).update(`${header}.${payload}`).digest();
  return Buffer.from(signature, "base64url").equals(expected);
}

function textOf(body: FuzzRequest["body"]): string | null {
  if (body === null) return null;
  return typeof body === "string" ? body : Buffer.from(body).toString("utf8");
}

/** The query and operationName the server would read: the query string for GET, the JSON body otherwise. */
function graphqlParams(request: FuzzRequest): { query: unknown; operationName: unknown } | null {
  if (request.method === "GET") {
    const search = new URLSearchParams(request.search);
    return { query: search.get("query"), operationName: search.get("operationName") };
  }
  try {
    const body: unknown = JSON.parse(textOf(request.body) ?? "");
    if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
    const { query, operationName } = body as Record<string, unknown>;
    return { query, operationName };
  } catch {
    return null;
  }
}

interface RootSelection {
  operation: OperationTypeNode;
  responseKey: string;
  field: string;
}

/** Root fields of the operation(s) that may run, through aliases, inline fragments and fragment spreads. */
function rootSelections(document: DocumentNode, operationName: unknown): RootSelection[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const named = typeof operationName === "string" && operationName !== "";
  const selections: RootSelection[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || (named && definition.name?.value !== operationName)) continue;
    const seen = new Set<string>();
    const walk = (set: SelectionSetNode): void => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const responseKey = selection.alias?.value ?? selection.name.value;
          selections.push({ operation: definition.operation, responseKey, field: selection.name.value });
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          walk(selection.selectionSet);
        } else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          if (fragment) walk(fragment.selectionSet);
        }
      }
    };
    walk(definition.selectionSet);
  }
  return selections;
}

/** Which response keys name guarded fields; by key alone when the document cannot be read. */
function guardedKeys(request: FuzzRequest, oracle: AuthorizationOracle): Array<{ key: string; field: string }> {
  const params = graphqlParams(request);
  try {
    if (typeof params?.query !== "string") throw new Error("no document");
    return rootSelections(parse(params.query), params.operationName)
      .filter((s) => oracle.guarded.get(s.operation)?.has(s.field))
      .map((s) => ({ key: s.responseKey, field: `${s.operation}.${s.field}` }));
  } catch {
    return [...oracle.guarded].flatMap(([operation, fields]) => [...fields].map((f) => ({ key: f, field: `${operation}.${f}` })));
  }
}

/** Names the guarded field an anonymous request got data for, or null. */
export function anonymousDataLeak(request: FuzzRequest, data: unknown, oracle: AuthorizationOracle): string | null {
  if (typeof data !== "object" || data === null) return null;
  const authorization = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "authorization")?.[1];
  if (carriesAuthenticToken(authorization, oracle.jwtKey)) return null;
  for (const { key, field } of guardedKeys(request, oracle)) {
    const value = (data as Record<string, unknown>)[key];
    if (value !== null && value !== undefined) return `anonymous request got data for guarded field ${field} (response key "${key}")`;
  }
  return null;
}
