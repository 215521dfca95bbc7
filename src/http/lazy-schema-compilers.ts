import { createRequire } from "node:module";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;
/** Both packages export a factory of `(externalSchemas, serverOptions) => compile`. */
type Builder = (externalSchemas: unknown, options: unknown) => unknown;

/**
 * Fastify's own schema compilers (Ajv, fast-json-stringify), loaded when a route first needs one.
 * Fastify requires both packages when the instance is constructed, 50-65 ms of a 0.7 s start here,
 * and none of this server's routes declares a body, query, params, headers or response schema, so
 * neither is ever called. A route that gains one compiles it with the same packages and defaults.
 *
 * One difference from the defaults: Fastify treats any builder passed here as a custom validator,
 * which skips its lowercasing of `required` names in a headers schema. Write header names in
 * lowercase there (test/http/lazy-schema-compilers.test.ts pins the rest).
 */
export function lazySchemaCompilers(load: (id: string) => unknown = fromFastify): { compilersFactory: CompilersFactory } {
  let validator: Builder | undefined;
  let serializer: Builder | undefined;
  const buildValidator: Builder = (externalSchemas, options) => {
    validator ??= (load("@fastify/ajv-compiler") as () => Builder)();
    return validator(externalSchemas, options);
  };
  const buildSerializer: Builder = (externalSchemas, options) => {
    serializer ??= (load("@fastify/fast-json-stringify-compiler") as () => Builder)();
    return serializer(externalSchemas, options);
  };
  // Fastify's types for the two builders are overloaded per schema dialect; these pass through.
  return { compilersFactory: { buildValidator, buildSerializer } as CompilersFactory };
}

/** The copy Fastify itself would load: they are its dependencies, not ours. */
function fromFastify(id: string): unknown {
  return createRequire(require.resolve("fastify"))(id);
}
