import { generateKeyPairSync, KeyObject } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENV_CATALOG, loadCliPassword, loadConfig, loadDatabaseUrl } from "../../src/config";
import { findProjectRoot } from "../../src/project-root";

type Env = Record<string, string>;

const SECRET = "s".repeat(32);
const KEK = Buffer.alloc(32, 7).toString("base64");
const dataDir = mkdtempSync(path.join(tmpdir(), "auth-catalog-"));
const keyFile = path.join(dataDir, "signing-key.pem");
writeFileSync(keyFile, generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }));
// Development secrets are generated beside the embedded database: keep them out of the checkout.
const DATABASE_URL = `pglite:${path.join(dataDir, "pglite")}`;

/** Enough environments to reach every branch of the configuration that reads a variable. */
const VARIANTS: Readonly<Record<string, Env>> = {
  "development defaults (ES256, generated key-encryption key)": { DATABASE_URL },
  "development, HS256 with JWT_SECRET": { JWT_ALGORITHM: "HS256", JWT_SECRET: SECRET },
  "development, signing key file": { DATABASE_URL, JWT_PRIVATE_KEY_FILE: keyFile },
  "production, keys in the database, rotated": { NODE_ENV: "production", KEY_ENCRYPTION_KEY: KEK, SIGNING_KEY_ROTATION: "90d" },
  "production, HS256, SMTP": {
    NODE_ENV: "production",
    JWT_ALGORITHM: "HS256",
    JWT_SECRET: SECRET,
    SMTP_URL: "smtp://user:pass@smtp.example.com:587",
    MAIL_FROM: "Example <no-reply@example.com>",
    APP_URL: "https://app.example.com",
  },
  "test, every optional setting": {
    NODE_ENV: "test",
    JWT_SECRET: SECRET,
    DATABASE_URL,
    PUBLIC_URL: "https://auth.example.com",
    SERVICE_CREDENTIALS: `reports:${SECRET}`,
    PASSWORD_PEPPER: SECRET,
    BOOTSTRAP_ADMIN_EMAIL: "admin@example.com",
    BOOTSTRAP_ADMIN_PASSWORD: "a long enough password",
    PASSWORD_BREACH_CHECK: "hibp",
    REDIS_URL: "redis://127.0.0.1:6379",
    CORS_ORIGINS: "https://app.example.com",
    CORS_ALLOWED_HEADERS: "x-tenant-id",
    TRUST_PROXY: "1",
    MAIL_OUTBOX_DIR: path.join(dataDir, "outbox"),
    MAIL_TEMPLATES_DIR: path.join(dataDir, "templates"),
    AUTH_CLI_PASSWORD: "another password",
  },
};

/** Everything src/config hands out for one environment. */
function loadAll(env: Env) {
  return { config: loadConfig(env), databaseUrl: loadDatabaseUrl(env), cliPassword: loadCliPassword(env) };
}

/** Comparable plain data: keys by their material, since KeyObjects have no enumerable state. */
function snapshot(env: Env): unknown {
  const text = JSON.stringify(loadAll(env), (_key, value: unknown) => {
    if (!(value instanceof KeyObject)) return value;
    return value.type === "secret" ? value.export().toString("base64") : value.export({ format: "jwk" });
  });
  return JSON.parse(text);
}

/** The names a run of the loaders reads, through a Proxy that records every lookup. */
function namesRead(env: Env): Set<string> {
  const read = new Set<string>();
  const note = (key: string | symbol) => typeof key === "string" && read.add(key);
  const recording = new Proxy(env, {
    get: (target, key) => (note(key), Reflect.get(target, key)),
    has: (target, key) => (note(key), Reflect.has(target, key)),
    getOwnPropertyDescriptor: (target, key) => (note(key), Reflect.getOwnPropertyDescriptor(target, key)),
    ownKeys: () => {
      throw new Error("the configuration enumerated the environment: read variables by name, so the catalog can list them");
    },
  });
  loadAll(recording);
  return read;
}

const names = ENV_CATALOG.map((variable) => variable.name);
const variants = Object.entries(VARIANTS);

describe("ENV_CATALOG", () => {
  it("names each variable once", () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it("lists exactly the variables the configuration reads (add new ones to src/config/catalog.ts)", () => {
    const read = new Set(variants.flatMap(([, env]) => [...namesRead(env)]));
    expect([...read].sort()).toEqual([...names].sort());
  });

  // A default in the catalog that the code does not have would be a documented lie.
  it.each(variants)("gives values that mean the same as unset: %s", (_, env) => {
    const unset = snapshot(env);
    for (const { name, value } of ENV_CATALOG) {
      if (value === undefined || name in env) continue;
      expect([name, snapshot({ ...env, [name]: value })]).toEqual([name, unset]);
    }
  });

  // .env.example writes `NAME=` for the rest: uncommented, such a line must change nothing.
  it.each(variants)("treats every variable set to nothing as unset: %s", (_, env) => {
    const unset = snapshot(env);
    for (const { name } of ENV_CATALOG) {
      if (name in env) continue;
      expect([name, snapshot({ ...env, [name]: "" })]).toEqual([name, unset]);
    }
  });
});

describe("process.env", () => {
  it("is read only in src/config", () => {
    const src = path.join(findProjectRoot(), "src");
    const readers = readdirSync(src, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.split(path.sep).includes("generated"))
      .filter((file) => readFileSync(path.join(src, file), "utf8").includes("process.env"));
    expect(readers.filter((file) => !file.startsWith(`config${path.sep}`))).toEqual([]);
  });
});
