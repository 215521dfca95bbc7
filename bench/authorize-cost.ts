import { performance } from "node:perf_hooks";
import { type DocumentNode, type GraphQLSchema, parse, validate } from "graphql";
import { authorizeOperation, buildSchema, type OperationToAuthorize } from "../src/graphql";
import { MODULES } from "../src/modules";

export const ME_QUERY = "{ me { id email role } }";

const WARM_CALLS = 200_000;
const COLD_CALLS = 20_000;

/**
 * What `authorizeOperation` costs per call for the `me` operation, in µs. Warm: the same parsed
 * document every time, as Apollo hands the plugin for a repeated query (its document cache), so
 * the requirements come from the cache. Cold: a freshly parsed document each call, the whole walk.
 */
export function authorizeOperationMicros(): { warm: number; cold: number } {
  const schema = buildSchema(MODULES);
  const document = parse(ME_QUERY);
  const invalid = validate(schema, document);
  if (invalid.length > 0) throw new Error(`bench query is invalid: ${invalid[0]?.message}`);
  const warm = operationFor(schema, document);
  if (authorizeOperation(warm) !== null) throw new Error("the bench viewer was denied `me`");
  for (let i = 0; i < 20_000; i++) authorizeOperation(warm);
  const warmMicros = timeMicros(WARM_CALLS, () => authorizeOperation(warm));
  const fresh = Array.from({ length: COLD_CALLS }, () => operationFor(schema, parse(ME_QUERY)));
  const coldMicros = timeMicros(COLD_CALLS, (i) => authorizeOperation(fresh[i] ?? warm));
  return { warm: warmMicros, cold: coldMicros };
}

function operationFor(schema: GraphQLSchema, document: DocumentNode): OperationToAuthorize {
  const user = { id: "u1", email: "bench@example.com", role: "USER" as const, credentialVersion: 0, createdAt: new Date() };
  return { schema, document, operationName: undefined, variableValues: {}, viewer: { viewer: { user, sessionId: "s1" }, authFailure: null, authError: null } };
}

function timeMicros(calls: number, call: (i: number) => unknown): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) call(i);
  return ((performance.now() - start) * 1000) / calls;
}
