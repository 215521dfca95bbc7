import { ConfigError } from "./config-error";
import { type Env, parseBaseUrl, readOptional } from "./readers";

/** PUBLIC_URL: where other services reach this server (discovery documents name absolute URLs). */
export function readPublicUrl(env: Env): string | null {
  const value = readOptional(env, "PUBLIC_URL");
  if (value === undefined) return null;
  const url = parseBaseUrl(value);
  if (url === null) throw new ConfigError("PUBLIC_URL", `"${value}" is not a base URL; use e.g. https://auth.example.com`);
  return url;
}
