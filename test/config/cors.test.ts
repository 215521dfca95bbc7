import { ConfigError, loadConfig } from "../../src/config";

const base = { JWT_SECRET: "s".repeat(40), JWT_ALGORITHM: "HS256", DATABASE_URL: "pglite:memory" };

describe("CORS settings", () => {
  it("allow Apollo Studio's Sandbox in development by default, nothing elsewhere, and exactly CORS_ORIGINS when set", () => {
    expect(loadConfig({ ...base, NODE_ENV: "development" }).corsOrigins).toEqual(["https://studio.apollographql.com"]);
    expect(loadConfig({ ...base, NODE_ENV: "test" }).corsOrigins).toEqual([]);
    expect(loadConfig({ ...base, NODE_ENV: "development", CORS_ORIGINS: "http://localhost:5173" }).corsOrigins).toEqual(["http://localhost:5173"]);
  });

  it("CORS_ALLOWED_HEADERS adds header names, lower-cased, and refuses anything else", () => {
    expect(loadConfig({ ...base, CORS_ALLOWED_HEADERS: "X-Tenant-Id, baggage" }).corsAllowedHeaders).toEqual(["x-tenant-id", "baggage"]);
    expect(loadConfig(base).corsAllowedHeaders).toEqual([]);
    expect(() => loadConfig({ ...base, CORS_ALLOWED_HEADERS: "x-ok, bad header" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CORS_ALLOWED_HEADERS: "x:y" })).toThrow(/CORS_ALLOWED_HEADERS/);
  });
});
