import { createRequire } from "node:module";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;
export const HEADERS_SCHEMA_REFUSED =
  "headers schemas are not supported by this server's lazily loaded validator (src/http/lazy-schema-compilers.ts): check the header in the handler";

/** Both packages export a factory of `(externalSchemas, serverOptions) => compile`. */
type Builder = (externalSchemas: unknown, options: unknown) => unknown;
/** What a validator builder returns: Fastify calls it per route part ("body", "headers", …). */
type Compile = (route: { httpPart?: string }) => unknown;

/**
 * Fastify's own schema compilers (Ajv, fast-json-stringify), loaded when a route first needs one.
 * Fastify requires both packages when the instance is constructed, 50-65 ms of a 0.7 s start here,
 * and none of this server's routes declares a body, query, params, headers or response schema, so
 * neither is ever called. A route that gains one compiles it with the same packages and defaults.
 *
 * Except a headers schema, which is refused when its route is registered: Fastify treats any
 * builder passed here as a custom validator and then skips its lowercasing of the schema's header
 * names, so a mixed-case property would silently never be checked (a request's header names are
 * lowercase). Stock Fastify's treatment would need its private helpers.
 */
export function lazySchemaCompilers(load: (id: string) => unknown = fromFastify): { compilersFactory: CompilersFactory } {
  let validator: Builder | undefined;
  let serializer: Builder | undefined;
  const buildValidator: Builder = (externalSchemas, options) => {
    validator ??= (load("@fastify/ajv-compiler") as () => Builder)();
    const compile = validator(externalSchemas, options) as Compile;
    return (route: Parameters<Compile>[0]) => {
      if (route.httpPart === "headers") throw new Error(HEADERS_SCHEMA_REFUSED);
      return compile(route);
    };
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
