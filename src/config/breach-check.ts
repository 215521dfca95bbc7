import { ConfigError } from "./config-error";
import { type Env, parseBaseUrl, readEnum, readOptional } from "./readers";

export const BREACH_CHECKS = ["off", "hibp"] as const;
export const DEFAULT_HIBP_API_URL = "https://api.pwnedpasswords.com";

export interface BreachCheckConfig {
  provider: "hibp";
  /** Base URL of the Pwned Passwords range API, without a trailing slash. */
  apiUrl: string;
}

/** PASSWORD_BREACH_CHECK (off | hibp) and HIBP_API_URL; null when off. */
export function readBreachCheck(env: Env): BreachCheckConfig | null {
  const provider = readEnum(env, "PASSWORD_BREACH_CHECK", BREACH_CHECKS, "off");
  // Validated even when off, so a typo surfaces before someone turns the check on.
  const apiUrl = readApiUrl(env);
  return provider === "hibp" ? { provider, apiUrl } : null;
}

function readApiUrl(env: Env): string {
  const value = readOptional(env, "HIBP_API_URL");
  if (value === undefined) return DEFAULT_HIBP_API_URL;
  const url = parseBaseUrl(value);
  if (url === null) {
    throw new ConfigError("HIBP_API_URL", `expected a base URL like ${DEFAULT_HIBP_API_URL} (http or https, no query or credentials)`);
  }
  return url;
}
