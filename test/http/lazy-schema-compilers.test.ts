import fastifyCookie from "@fastify/cookie";
import fastifyCors from "@fastify/cors";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyInstance } from "fastify";
import { createRequire } from "node:module";
import { HEADERS_SCHEMA_REFUSED, lazySchemaCompilers } from "../../src/http/lazy-schema-compilers";

const fromFastify = createRequire(require.resolve("fastify"));

function loaderSpy(): { load: (id: string) => unknown; loaded: string[] } {
  const loaded: string[] = [];
  return { loaded, load: (id) => (loaded.push(id), fromFastify(id)) };
}

/** A body and a response schema: what would make Fastify compile with Ajv and fast-json-stringify. */
function withSchemas(app: FastifyInstance): FastifyInstance {
  app.post(
    "/echo",
    {
      schema: {
        body: { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 5 } } },
        response: { 200: { type: "object", properties: { name: { type: "string" } } } },
      },
    },
    async (request) => ({ ...(request.body as object), secret: "never serialised" }),
  );
  return app;
}

describe("lazySchemaCompilers", () => {
  it("loads neither compiler for the plugins and routes this server has (no validation or response schema)", async () => {
    const spy = loaderSpy();
    const app = Fastify({ schemaController: lazySchemaCompilers(spy.load) });
    await app.register(fastifyCookie);
    await app.register(fastifyCors, { origin: ["https://app.example"], credentials: true }); // its OPTIONS route has a `hide` schema
    await app.register(fastifyWebsocket);
    app.get("/ready", async () => ({ ok: true }));
    app.get("/socket", { websocket: true }, (socket) => socket.close()); // @fastify/websocket marks it `hide`
    app.post("/graphql", async () => ({ data: null }));
    await app.ready();
    expect((await app.inject({ method: "GET", url: "/ready" })).json()).toEqual({ ok: true });
    expect((await app.inject({ method: "OPTIONS", url: "/graphql", headers: { origin: "https://app.example", "access-control-request-method": "POST" } })).statusCode).toBe(204);
    expect(spy.loaded).toEqual([]);
    await app.close();
  });

  it("compiles a route's schemas with Fastify's own compilers when one has them, once per server", async () => {
    const spy = loaderSpy();
    const lazy = withSchemas(Fastify({ schemaController: lazySchemaCompilers(spy.load) }));
    const stock = withSchemas(Fastify());
    for (const payload of [{ name: "ada" }, { name: "too long" }, {}, "not json"]) {
      const [ours, theirs] = await Promise.all(
        [lazy, stock].map((app) => app.inject({ method: "POST", url: "/echo", payload, headers: { "content-type": "application/json" } })),
      );
      expect({ status: ours?.statusCode, body: ours?.body }).toEqual({ status: theirs?.statusCode, body: theirs?.body });
    }
    expect((await lazy.inject({ method: "POST", url: "/echo", payload: { name: "ada" } })).json()).toEqual({ name: "ada" });
    expect(spy.loaded).toEqual(["@fastify/ajv-compiler", "@fastify/fast-json-stringify-compiler"]);
    await Promise.all([lazy.close(), stock.close()]);
  });

  it("refuses a headers schema when its route is registered, where stock Fastify's lowercasing would be skipped", async () => {
    const app = Fastify({ schemaController: lazySchemaCompilers() });
    app.get("/tenant", { schema: { headers: { type: "object", properties: { "X-Tenant": { type: "string", pattern: "^t-" } } } } }, async () => "ok");
    await expect(app.ready()).rejects.toThrow(HEADERS_SCHEMA_REFUSED);
    // What the refusal prevents: stock Fastify checks the header, a custom validator never would.
    const stock = Fastify();
    stock.get("/tenant", { schema: { headers: { type: "object", properties: { "X-Tenant": { type: "string", pattern: "^t-" } } } } }, async () => "ok");
    expect((await stock.inject({ method: "GET", url: "/tenant", headers: { "x-tenant": "nope" } })).statusCode).toBe(400);
    await Promise.all([app.close().catch(() => undefined), stock.close()]);
  });
});
