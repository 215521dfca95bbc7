import Fastify from "fastify";
import type { JwksDocument } from "../../src/auth";
import { registerDiscoveryRoutes } from "../../src/http/discovery-routes";
import { forbidCaching } from "../../src/http/no-store";

function serverWith(document: JwksDocument) {
  const app = Fastify();
  forbidCaching(app);
  registerDiscoveryRoutes(app, {
    keys: { jwks: () => document, algorithm: "ES256" },
    issuer: "https://auth.example.test",
    baseUrl: () => "https://auth.example.test",
    jwksMaxAgeSeconds: 600,
    introspection: false,
  });
  app.get("/other", async () => ({ ok: true }));
  return app;
}

/** Over a real socket (Fastify's inject loads an ESM-only cookie parser jest cannot require). */
async function cacheControlOf(document: JwksDocument, paths: string[]): Promise<Array<string | null>> {
  const app = serverWith(document);
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    return await Promise.all(paths.map(async (path) => (await fetch(`${base}${path}`)).headers.get("cache-control")));
  } finally {
    await app.close();
  }
}

const DOCUMENT: JwksDocument = { body: '{"keys":[]}', etag: '"abc"', algorithms: ["ES256"] };

describe("discovery routes", () => {
  it("let verifiers cache the key set for JWKS_MAX_AGE, and only those routes escape no-store", async () => {
    expect(await cacheControlOf(DOCUMENT, ["/.well-known/jwks.json", "/.well-known/openid-configuration", "/other", "/.well-known/nope"])).toEqual([
      "public, max-age=600",
      "public, max-age=600",
      "no-store",
      "no-store",
    ]);
  });

  it("let nobody cache a key set this instance could not re-read lately (a new NEXT key may be missing)", async () => {
    expect(await cacheControlOf({ ...DOCUMENT, stale: true }, ["/.well-known/jwks.json"])).toEqual(["no-cache"]);
  });
});
