import { loadConfig } from "../src/config";
import { createLogger } from "../src/logger";
import {
  EMBEDDED_IN_PRODUCTION_WARNING,
  IMPLICIT_HS256_NOTICE,
  MAIL_NOT_CONFIGURED_WARNING,
  NODE_ENV_UNSET_WARNING,
  warnAboutRiskySettings,
} from "../src/startup-warnings";
import { logSink } from "./support/capture";

const SECRET = "s".repeat(40);
const KEK = Buffer.alloc(32, 8).toString("base64");

const POSTGRES = "postgresql://auth@db.internal:5432/auth";

/** What start-up says for `env`: development (explicitly) unless it names NODE_ENV; production on PostgreSQL. */
function messages(env: Record<string, string>): Array<{ level: number; msg: string }> {
  const lines: string[] = [];
  const defaults = env.NODE_ENV === "production" ? { DATABASE_URL: POSTGRES } : { NODE_ENV: "development" };
  warnAboutRiskySettings(loadConfig({ ...defaults, ...env }), createLogger("info", logSink(lines)));
  return lines.map((line) => JSON.parse(line) as { level: number; msg: string });
}

describe("startup notices about signing", () => {
  it("an existing HS256 deployment (JWT_SECRET, no JWT_ALGORITHM) is told once, in one line, how to move", () => {
    const said = messages({ JWT_SECRET: SECRET });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: 30, msg: IMPLICIT_HS256_NOTICE, algorithm: "HS256" });
    expect(IMPLICIT_HS256_NOTICE).not.toContain("\n");
    expect(IMPLICIT_HS256_NOTICE).toMatch(/JWT_ALGORITHM=ES256.*JWT_ALGORITHM=HS256/);
  });

  it("says nothing once HS256 is chosen explicitly, or for ES256 with its key set", () => {
    expect(messages({ JWT_SECRET: SECRET, JWT_ALGORITHM: "HS256" })).toEqual([]);
    expect(messages({ KEY_ENCRYPTION_KEY: KEK })).toEqual([]);
  });

  it("warns about a JWT_SECRET that no longer signs, and a production deployment without PUBLIC_URL", () => {
    expect(messages({ JWT_SECRET: SECRET, JWT_ALGORITHM: "ES256", KEY_ENCRYPTION_KEY: KEK }).map((m) => m.msg)).toEqual([
      "JWT_SECRET is set but unused: JWT_ALGORITHM is ES256; HS256 tokens are no longer accepted",
    ]);
    const mailed = { SMTP_URL: "smtp://mail.example.com:587", MAIL_FROM: "no-reply@example.com", APP_URL: "https://app.example.com" };
    expect(messages({ NODE_ENV: "production", KEY_ENCRYPTION_KEY: KEK, ...mailed }).map((m) => m.msg)).toEqual([
      expect.stringMatching(/^PUBLIC_URL not set/),
    ]);
    expect(messages({ NODE_ENV: "production", KEY_ENCRYPTION_KEY: KEK, PUBLIC_URL: "https://auth.example.com", ...mailed })).toEqual([]);
  });

  it("warns in production without SMTP_URL that the mail flows answer MAIL_NOT_CONFIGURED, and that verification cannot happen", () => {
    const base = { NODE_ENV: "production", KEY_ENCRYPTION_KEY: KEK, PUBLIC_URL: "https://auth.example.com" };
    expect(messages(base).map((m) => m.msg)).toEqual([MAIL_NOT_CONFIGURED_WARNING]);
    expect(MAIL_NOT_CONFIGURED_WARNING).toMatch(/MAIL_NOT_CONFIGURED.*Set SMTP_URL, MAIL_FROM and APP_URL/);
    expect(messages({ ...base, REQUIRE_EMAIL_VERIFICATION: "true" }).map((m) => m.msg)).toEqual([
      MAIL_NOT_CONFIGURED_WARNING,
      expect.stringMatching(/^REQUIRE_EMAIL_VERIFICATION=true without SMTP_URL/),
    ]);
  });
});

describe("start-up notices about the environment", () => {
  const mailed = { SMTP_URL: "smtp://mail.example.com:587", MAIL_FROM: "no-reply@example.com", APP_URL: "https://app.example.com" };
  const quietProduction = { NODE_ENV: "production", KEY_ENCRYPTION_KEY: KEK, PUBLIC_URL: "https://auth.example.com", ...mailed };

  it("an unset NODE_ENV is named once: the server runs in development mode, which a deployment must not do by accident", () => {
    const lines: string[] = [];
    warnAboutRiskySettings(loadConfig({ KEY_ENCRYPTION_KEY: KEK }), createLogger("info", logSink(lines)));
    const said = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(said).toEqual([expect.objectContaining({ level: 40, msg: NODE_ENV_UNSET_WARNING })]);
    expect(NODE_ENV_UNSET_WARNING).toMatch(/NODE_ENV=production/);
    expect(messages({ KEY_ENCRYPTION_KEY: KEK, NODE_ENV: "development" })).toEqual([]);
  });

  it("production on the embedded database is warned about, with the PostgreSQL setting that replaces it", () => {
    expect(messages({ ...quietProduction, DATABASE_URL: "pglite:./.data/pglite" })).toEqual([expect.objectContaining({ level: 40, msg: EMBEDDED_IN_PRODUCTION_WARNING })]);
    expect(EMBEDDED_IN_PRODUCTION_WARNING).toMatch(/DATABASE_URL=postgresql:/);
    expect(messages(quietProduction)).toEqual([]);
    expect(messages({ KEY_ENCRYPTION_KEY: KEK, DATABASE_URL: "pglite:memory" })).toEqual([]);
  });
});
