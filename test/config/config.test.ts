import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig, parseDurationSeconds } from "../../src/config";

const SECRET = "s".repeat(32);
const KEK = Buffer.alloc(32, 7).toString("base64");
const tmp = () => mkdtempSync(join(tmpdir(), "auth-config-"));

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseDurationSeconds", () => {
  it.each([
    ["900", 900],
    ["5s", 5],
    ["15m", 900],
    ["12h", 43200],
    ["14d", 1209600],
    [" 10s ", 10],
  ])("parses %j", (raw, seconds) => expect(parseDurationSeconds(raw)).toBe(seconds));
  it.each(["", "15 m", "1.5h", "-5", "5w", "m", "99999999999999999999d"])("rejects %j", (raw) =>
    expect(parseDurationSeconds(raw)).toBeNull(),
  );
});

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      nodeEnv: "development",
      port: 4000,
      host: "127.0.0.1",
      databaseUrl: "pglite:./.data/pglite",
      migrateOnStart: true,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 14 * 86400,
      sessionMaxAgeSeconds: 90 * 86400,
      refreshReuseGraceSeconds: 10,
      argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
      bootstrapAdmin: null,
      passwordPepper: null,
      introspection: true,
      jwt: { signing: { algorithm: "HS256", secretSource: "env", implicit: true }, issuer: "graphql-auth-server", audience: "graphql-auth-server", jwksMaxAgeSeconds: 600 },
      publicUrl: null,
      serviceCredentials: [],
    });
    const signing = config.jwt.signing;
    expect(signing.algorithm === "HS256" && signing.key.symmetricKeySize).toBe(32);
  });

  it("is frozen", () => {
    const config = loadConfig({ JWT_SECRET: SECRET });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.argon2)).toBe(true);
  });

  it("parses durations with units", () => {
    const config = loadConfig({ JWT_SECRET: SECRET, ACCESS_TOKEN_TTL: "5m", REFRESH_TOKEN_TTL: "7d", REFRESH_REUSE_GRACE: "3s" });
    expect([config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds, config.refreshReuseGraceSeconds]).toEqual([300, 604800, 3]);
  });

  it("session cache TTL: 1 s by default, 0 (no cache) to 10 minutes", () => {
    expect(loadConfig({ JWT_SECRET: SECRET }).sessionCacheTtlMs).toBe(1000);
    expect(loadConfig({ JWT_SECRET: SECRET, SESSION_CACHE_TTL: "30s" }).sessionCacheTtlMs).toBe(30_000);
    expect(loadConfig({ JWT_SECRET: SECRET, SESSION_CACHE_TTL: "0" }).sessionCacheTtlMs).toBe(0);
  });

  it.each([
    [{ JWT_SECRET: "short" }, "JWT_SECRET", /too short.*openssl rand/],
    [{ NODE_ENV: "production", JWT_ALGORITHM: "HS256" }, "JWT_SECRET", /required in production/],
    [{ NODE_ENV: "production" }, "KEY_ENCRYPTION_KEY", /required in production; set KEY_ENCRYPTION_KEY to 32 random bytes/],
    [{ KEY_ENCRYPTION_KEY: "c2hvcnQ=" }, "KEY_ENCRYPTION_KEY", /exactly 32 bytes/],
    [{ JWT_ALGORITHM: "HS512" }, "JWT_ALGORITHM", /expected one of ES256, RS256, HS256/],
    [{ JWT_ALGORITHM: "HS256", JWT_PRIVATE_KEY_FILE: "/nonexistent" }, "JWT_PRIVATE_KEY_FILE", /is for ES256\/RS256/],
    [{ JWT_PRIVATE_KEY_FILE: "/nonexistent/key.pem" }, "JWT_PRIVATE_KEY_FILE", /cannot read/],
    [{ JWKS_MAX_AGE: "0", KEY_ENCRYPTION_KEY: KEK }, "JWKS_MAX_AGE", /between 1s/],
    [{ PUBLIC_URL: "auth.example.com", KEY_ENCRYPTION_KEY: KEK }, "PUBLIC_URL", /not a base URL/],
    [{ PUBLIC_URL: "https://auth.example.com/?x=1", KEY_ENCRYPTION_KEY: KEK }, "PUBLIC_URL", /not a base URL/],
    [{ SERVICE_CREDENTIALS: "billing:short", KEY_ENCRYPTION_KEY: KEK }, "SERVICE_CREDENTIALS", /too short/],
    [{ SERVICE_CREDENTIALS: "nocolon", KEY_ENCRYPTION_KEY: KEK }, "SERVICE_CREDENTIALS", /id:secret/],
    [{ JWT_SECRET: SECRET, PORT: "http" }, "PORT", /integer/],
    [{ JWT_SECRET: SECRET, ACCESS_TOKEN_TTL: "15 minutes" }, "ACCESS_TOKEN_TTL", /duration/],
    [{ JWT_SECRET: SECRET, REFRESH_REUSE_GRACE: "1h" }, "REFRESH_REUSE_GRACE", /between/],
    [{ JWT_SECRET: SECRET, SESSION_CACHE_TTL: "1h" }, "SESSION_CACHE_TTL", /between 0s and 600s/],
    [{ JWT_SECRET: SECRET, SESSION_CACHE_TTL: "500ms" }, "SESSION_CACHE_TTL", /duration/],
    [{ JWT_SECRET: SECRET, DATABASE_URL: "mysql://x" }, "DATABASE_URL", /pglite:memory/],
    [{ JWT_SECRET: SECRET, NODE_ENV: "staging" }, "NODE_ENV", /one of/],
    [{ JWT_SECRET: SECRET, MIGRATE_ON_START: "maybe" }, "MIGRATE_ON_START", /true or false/],
    [{ JWT_SECRET: SECRET, BOOTSTRAP_ADMIN_EMAIL: "a@b.co" }, "BOOTSTRAP_ADMIN_EMAIL", /both/],
    [{ JWT_SECRET: SECRET, LOG_LEVEL: "loud" }, "LOG_LEVEL", /one of/],
    [{ JWT_SECRET: SECRET, PASSWORD_PEPPER: "short" }, "PASSWORD_PEPPER", /too short/],
    [{ JWT_SECRET: SECRET, PASSWORD_BREACH_CHECK: "on" }, "PASSWORD_BREACH_CHECK", /one of off, hibp/],
    [{ JWT_SECRET: SECRET, HIBP_API_URL: "api.pwnedpasswords.com" }, "HIBP_API_URL", /https:\/\/api\.pwnedpasswords\.com/],
    [{ JWT_SECRET: SECRET, HIBP_API_URL: "ftp://mirror.example.com" }, "HIBP_API_URL", /http or https/],
    [{ JWT_SECRET: SECRET, HIBP_API_URL: "https://mirror.example.com/?key=1" }, "HIBP_API_URL", /no query/],
    [{ JWT_SECRET: SECRET, HTTP_REQUEST_TIMEOUT: "0" }, "HTTP_REQUEST_TIMEOUT", /between 1s/],
    [{ JWT_SECRET: SECRET, HTTP_HEADERS_TIMEOUT: "0s" }, "HTTP_HEADERS_TIMEOUT", /between 1s/],
    [{ JWT_SECRET: SECRET, HTTP_KEEPALIVE_TIMEOUT: "1h" }, "HTTP_KEEPALIVE_TIMEOUT", /between 1s and 600s/],
    [{ JWT_SECRET: SECRET, HTTP_CONNECTION_TIMEOUT: "soon" }, "HTTP_CONNECTION_TIMEOUT", /duration/],
    [{ JWT_SECRET: SECRET, HTTP_HEADERS_TIMEOUT: "40s" }, "HTTP_HEADERS_TIMEOUT", /must not exceed HTTP_REQUEST_TIMEOUT \(40s > 30s\); lower HTTP_HEADERS_TIMEOUT or raise HTTP_REQUEST_TIMEOUT/],
    [{ JWT_SECRET: SECRET, HTTP_REQUEST_TIMEOUT: "5s" }, "HTTP_HEADERS_TIMEOUT", /must not exceed HTTP_REQUEST_TIMEOUT \(10s > 5s\)/],
    [{ JWT_SECRET: SECRET, TRUST_PROXY: "10.0.0.0/8,loadbalancer" }, "TRUST_PROXY", /"loadbalancer" is not an address, CIDR or range name; use false, a hop count/],
    [{ JWT_SECRET: SECRET, TRUST_PROXY: "10.0.0.0/33" }, "TRUST_PROXY", /"10\.0\.0\.0\/33"/],
    [{ JWT_SECRET: SECRET, TRUST_PROXY: "fd00::/129" }, "TRUST_PROXY", /"fd00::\/129"/],
    [{ JWT_SECRET: SECRET, TRUST_PROXY: "10.0.0" }, "TRUST_PROXY", /"10\.0\.0"/],
    [{ JWT_SECRET: SECRET, TRUST_PROXY: "10.0.0.0/255.0.255.0" }, "TRUST_PROXY", /255\.0\.255\.0/],
    [{ JWT_SECRET: SECRET, METRICS_TOKEN: "m".repeat(31) }, "METRICS_TOKEN", /too short \(31 characters, at least 32\); use METRICS_TOKEN=\$\(openssl rand -hex 32\)/],
    [{ JWT_SECRET: SECRET, METRICS_TOKEN: `${"m".repeat(32)} x` }, "METRICS_TOKEN", /may hold only/],
    [{ JWT_SECRET: SECRET, METRICS_TOKEN: `${"m".repeat(32)}"` }, "METRICS_TOKEN", /may hold only/],
  ])("rejects %j naming %s", (env, variable, message) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
  });

  it("breach check: off by default; hibp with the public API or a mirror", () => {
    expect(loadConfig({ JWT_SECRET: SECRET }).breachCheck).toBeNull();
    expect(loadConfig({ JWT_SECRET: SECRET, PASSWORD_BREACH_CHECK: "off", HIBP_API_URL: "http://127.0.0.1:9" }).breachCheck).toBeNull();
    expect(loadConfig({ JWT_SECRET: SECRET, PASSWORD_BREACH_CHECK: "hibp" }).breachCheck).toEqual({
      provider: "hibp",
      apiUrl: "https://api.pwnedpasswords.com",
    });
    const mirror = loadConfig({ JWT_SECRET: SECRET, PASSWORD_BREACH_CHECK: "hibp", HIBP_API_URL: "http://hibp.internal:8080/pwned/" });
    expect(mirror.breachCheck?.apiUrl).toBe("http://hibp.internal:8080/pwned");
  });

  it("never echoes database credentials in its error", () => {
    expect(configError({ JWT_SECRET: SECRET, DATABASE_URL: "mysql://admin:hunter2@db/x" }).message).not.toContain("hunter2");
  });

  it("in development generates a secret once, persists it beside the data directory, and reuses it", () => {
    const dir = tmp();
    const env = { DATABASE_URL: `pglite:${join(dir, "pglite")}`, JWT_ALGORITHM: "HS256" };
    const first = loadConfig(env).jwt.signing;
    const path = join(dir, "jwt-secret");
    expect(first).toMatchObject({ algorithm: "HS256", secretSource: "generated", secretPath: path });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = loadConfig(env).jwt.signing;
    expect(second).toMatchObject({ secretSource: "file" });
    if (first.algorithm !== "HS256" || second.algorithm !== "HS256") throw new Error("expected HS256");
    expect(second.key.export().equals(first.key.export())).toBe(true);
    expect(Buffer.from(readFileSync(path, "utf8").trim(), "base64url").length).toBeGreaterThanOrEqual(32);
  });

  describe("signing", () => {
    it("defaults to ES256 with keys in the database when JWT_SECRET is unset, and keeps HS256 when it is set", () => {
      expect(loadConfig({ KEY_ENCRYPTION_KEY: KEK }).jwt.signing).toMatchObject({
        algorithm: "ES256",
        keySource: "database",
        keyEncryptionKeySource: "env",
        rotationSeconds: null,
        unusedJwtSecret: false,
      });
      expect(loadConfig({ JWT_SECRET: SECRET }).jwt.signing).toMatchObject({ algorithm: "HS256", implicit: true });
      expect(loadConfig({ JWT_SECRET: SECRET, JWT_ALGORITHM: "HS256" }).jwt.signing).toMatchObject({ implicit: false });
      expect(loadConfig({ JWT_SECRET: SECRET, JWT_ALGORITHM: "RS256", KEY_ENCRYPTION_KEY: KEK }).jwt.signing).toMatchObject({
        algorithm: "RS256",
        unusedJwtSecret: true,
      });
    });

    it("accepts KEY_ENCRYPTION_KEY as base64, base64url or hex, and SIGNING_KEY_ROTATION as a duration", () => {
      const bytes = Buffer.alloc(32, 0xfb);
      for (const encoded of [bytes.toString("base64"), bytes.toString("base64url"), bytes.toString("hex")]) {
        const signing = loadConfig({ KEY_ENCRYPTION_KEY: encoded, SIGNING_KEY_ROTATION: "90d" }).jwt.signing;
        expect(signing).toMatchObject({ keySource: "database", rotationSeconds: 90 * 86400 });
        expect(signing.algorithm !== "HS256" && signing.keySource === "database" && signing.keyEncryptionKey.equals(bytes)).toBe(true);
      }
    });

    it("reads JWT_PRIVATE_KEY_FILE as PEM or JWK and takes the algorithm from the key", () => {
      const dir = tmp();
      const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
      const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      writeFileSync(join(dir, "ec.pem"), ec.export({ format: "pem", type: "pkcs8" }));
      writeFileSync(join(dir, "rsa.json"), JSON.stringify(rsa.export({ format: "jwk" })));
      expect(loadConfig({ JWT_PRIVATE_KEY_FILE: join(dir, "ec.pem") }).jwt.signing).toMatchObject({ algorithm: "ES256", keySource: "file" });
      expect(loadConfig({ JWT_PRIVATE_KEY_FILE: join(dir, "rsa.json") }).jwt.signing).toMatchObject({ algorithm: "RS256", keySource: "file" });
      expect(configError({ JWT_PRIVATE_KEY_FILE: join(dir, "rsa.json"), JWT_ALGORITHM: "ES256" }).message).toMatch(/holds a key for RS256, but JWT_ALGORITHM is ES256/);
      writeFileSync(join(dir, "public.pem"), createPublicKey(ec).export({ format: "pem", type: "spki" }));
      expect(configError({ JWT_PRIVATE_KEY_FILE: join(dir, "public.pem") }).message).toMatch(/holds no private key/);
      const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
      writeFileSync(join(dir, "small.pem"), small.export({ format: "pem", type: "pkcs8" }));
      expect(configError({ JWT_PRIVATE_KEY_FILE: join(dir, "small.pem") }).message).toMatch(/at least 2048 bits/);
    });

    it("PUBLIC_URL becomes the default issuer; SERVICE_CREDENTIALS are id:secret pairs", () => {
      const config = loadConfig({
        KEY_ENCRYPTION_KEY: KEK,
        PUBLIC_URL: "https://auth.example.com/",
        SERVICE_CREDENTIALS: `billing:${"b".repeat(32)}, reports:${"r".repeat(40)}`,
      });
      expect(config.publicUrl).toBe("https://auth.example.com");
      expect(config.jwt.issuer).toBe("https://auth.example.com");
      expect(config.serviceCredentials.map((c) => c.id)).toEqual(["billing", "reports"]);
      expect(loadConfig({ KEY_ENCRYPTION_KEY: KEK, PUBLIC_URL: "https://a.example", JWT_ISSUER: "legacy" }).jwt.issuer).toBe("legacy");
    });
  });

  it("HTTP timeouts: every one on by default, configurable as durations", () => {
    expect(loadConfig({ JWT_SECRET: SECRET }).httpTimeouts).toEqual({ requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000, connectionMs: 60_000 });
    const custom = loadConfig({
      JWT_SECRET: SECRET,
      HTTP_REQUEST_TIMEOUT: "2m",
      HTTP_HEADERS_TIMEOUT: "2m",
      HTTP_KEEPALIVE_TIMEOUT: "65",
      HTTP_CONNECTION_TIMEOUT: "5m",
    });
    expect(custom.httpTimeouts).toEqual({ requestMs: 120_000, headersMs: 120_000, keepAliveMs: 65_000, connectionMs: 300_000 });
    expect(Object.isFrozen(custom.httpTimeouts)).toBe(true);
  });

  it("TRUST_PROXY: off by default; true, a hop count, or addresses, CIDRs and range names as Fastify reads them", () => {
    const trust = (value?: string) => loadConfig({ JWT_SECRET: SECRET, ...(value === undefined ? {} : { TRUST_PROXY: value }) }).trustProxy;
    expect([trust(), trust("false"), trust("true"), trust("2")]).toEqual([false, false, true, 2]);
    for (const list of ["10.0.0.0/8,fd00::/8", "10.1.2.3, 10.1.2.4", "loopback,linklocal,uniquelocal", "::ffff:10.0.0.1/120", "10.0.0.0/255.0.0.0"]) {
      expect(trust(list)).toBe(list);
    }
  });

  it("METRICS_TOKEN: none by default; a bearer token of at least 32 characters, never repeated in an error", () => {
    expect(loadConfig({ JWT_SECRET: SECRET }).metricsToken).toBeNull();
    const token = "Abc-._~+/".repeat(4) + "==";
    expect(loadConfig({ JWT_SECRET: SECRET, METRICS_TOKEN: token }).metricsToken?.toString("utf8")).toBe(token);
    const secretish = "s3cr3t-".repeat(4);
    expect(configError({ JWT_SECRET: SECRET, METRICS_TOKEN: `${secretish} ` + "x" }).message).not.toContain("s3cr3t");
  });

  it("production defaults: introspection off, listen on all interfaces", () => {
    const config = loadConfig({ NODE_ENV: "production", JWT_SECRET: SECRET });
    expect(config.introspection).toBe(false);
    expect(config.host).toBe("0.0.0.0");
    expect(loadConfig({ NODE_ENV: "production", JWT_SECRET: SECRET, INTROSPECTION: "true" }).introspection).toBe(true);
  });
});
