import { BASE_TYPE_DEFS, buildSchema } from "../../src/graphql";
import { MODULES } from "../../src/modules";

/** The SDL of every registered module, for tests that extend the real schema. */
export function allTypeDefs(): string[] {
  return [BASE_TYPE_DEFS, ...MODULES.map((module) => module.typeDefs)];
}

/** The server's own executable schema. */
export function serverSchema() {
  return buildSchema(MODULES);
}
