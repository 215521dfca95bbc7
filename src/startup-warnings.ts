import type { Logger } from "pino";
import type { Config } from "./config";

export const TRUST_PROXY_TRUE_WARNING =
  "TRUST_PROXY=true believes the leftmost X-Forwarded-For address, which any client can write: per-IP rate limits " +
  "and the IPs in sessions and the audit trail can be forged. Set TRUST_PROXY to the number of proxies in front of " +
  "this server (e.g. 1) or to their addresses/CIDRs (e.g. 10.0.0.0/8)";

export const NODE_ENV_UNSET_WARNING =
  "NODE_ENV is not set, so this server runs in development mode: explorer and introspection on, generated keys and " +
  "secrets on disk, error details in answers. A deployment sets NODE_ENV=production (this notice goes away with NODE_ENV=development)";

export const EMBEDDED_IN_PRODUCTION_WARNING =
  "Production on the embedded database (DATABASE_URL=pglite:…): one process only, no replicas, no managed backups, and " +
  "one connection that runs every query in turn. Use PostgreSQL: DATABASE_URL=postgresql://user:password@host:5432/db";

/**
 * Settings that are valid but unsafe, said once at start where the operator looks. Config only
 * validates; deciding what deserves a warning and logging it belongs to the composition root.
 */
export function warnAboutRiskySettings(config: Readonly<Config>, logger: Logger): void {
  if (!config.nodeEnvSet) logger.warn({}, NODE_ENV_UNSET_WARNING);
  if (config.nodeEnv === "production" && config.databaseUrl.trim().startsWith("pglite:")) logger.warn({}, EMBEDDED_IN_PRODUCTION_WARNING);
  if (config.trustProxy === true) logger.warn({ trustProxy: true }, TRUST_PROXY_TRUE_WARNING);
  warnAboutSigning(config, logger);
  warnAboutMail(config, logger);
}

export const MAIL_NOT_CONFIGURED_WARNING =
  "SMTP_URL not set: no mail can be sent, so requestPasswordReset, requestEmailVerification, requestEmailChange and " +
  "createInvite answer SERVICE_UNAVAILABLE (MAIL_NOT_CONFIGURED). Set SMTP_URL, MAIL_FROM and APP_URL";

function warnAboutMail(config: Readonly<Config>, logger: Logger): void {
  const { transport } = config.mail;
  if (transport === null) {
    logger.warn({}, MAIL_NOT_CONFIGURED_WARNING);
    if (config.accounts.requireEmailVerification) {
      logger.warn({}, "REQUIRE_EMAIL_VERIFICATION=true without SMTP_URL: nobody can verify an address, so signup answers MAIL_NOT_CONFIGURED");
    }
  }
}

export const IMPLICIT_HS256_NOTICE =
  "JWT_SECRET is set and JWT_ALGORITHM is not: access tokens stay HS256, which other services can verify only with the " +
  "secret that also mints them. Set JWT_ALGORITHM=ES256 to publish verification keys at /.well-known/jwks.json " +
  "(clients refresh once), or JWT_ALGORITHM=HS256 to keep HS256 and silence this notice";

function warnAboutSigning(config: Readonly<Config>, logger: Logger): void {
  const signing = config.jwt.signing;
  if (signing.algorithm === "HS256") {
    if (signing.implicit) logger.info({ algorithm: "HS256" }, IMPLICIT_HS256_NOTICE);
    if (signing.secretSource !== "env") {
      logger.warn({ path: signing.secretPath }, "JWT_SECRET not set: using a generated development secret stored on disk");
    }
    return;
  }
  if (signing.unusedJwtSecret) {
    logger.warn({ algorithm: signing.algorithm }, `JWT_SECRET is set but unused: JWT_ALGORITHM is ${signing.algorithm}; HS256 tokens are no longer accepted`);
  }
  if (signing.keySource === "database" && signing.keyEncryptionKeySource !== "env") {
    logger.warn({ path: signing.keyEncryptionKeyPath }, "KEY_ENCRYPTION_KEY not set: signing keys are sealed with a generated development key stored on disk");
  }
  if (config.nodeEnv === "production" && config.publicUrl === null) {
    logger.warn({}, "PUBLIC_URL not set: discovery documents name the listening address; set PUBLIC_URL to the URL other services use");
  }
}
