export { loadCliPassword, loadConfig, loadDatabaseUrl, DEFAULT_DATABASE_URL, LOG_LEVELS, NODE_ENVS } from "./config";
export type { Config } from "./config";
export { DEFAULT_HIBP_API_URL } from "./breach-check";
export type { BreachCheckConfig } from "./breach-check";
export { ConfigError } from "./config-error";
export type { MailConfig, MailTransportConfig } from "./mail";
export { parseDurationSeconds } from "./duration";
export { MIN_SECRET_BYTES } from "./jwt-secret";
