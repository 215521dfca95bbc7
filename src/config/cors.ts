import { ConfigError } from "./config-error";
import { type Env, readOptional } from "./readers";

/** Apollo Studio's hosted Sandbox, allowed in development unless CORS_ORIGINS says otherwise. */
export const APOLLO_STUDIO_ORIGIN = "https://studio.apollographql.com";

/** Exact origins only ("https://app.example.com"): no wildcards, since credentials are allowed. */
export function readOrigins(env: Env, development: boolean): string[] {
  const value = readOptional(env, "CORS_ORIGINS");
  if (value === undefined) return development ? [APOLLO_STUDIO_ORIGIN] : [];
  return value.split(",").map((raw) => {
    const origin = raw.trim();
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = null;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError("CORS_ORIGINS", `"${origin}" is not an origin; use a comma-separated list like https://app.example.com,http://localhost:5173`);
    }
    return origin;
  });
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Comma-separated HTTP header names (RFC 9110 tokens), lower-cased. */
export function readHeaderNames(env: Env, name: string): string[] {
  const value = readOptional(env, name);
  if (value === undefined) return [];
  return value.split(",").map((raw) => {
    const header = raw.trim().toLowerCase();
    if (!HEADER_NAME.test(header)) throw new ConfigError(name, `"${raw.trim()}" is not a header name; use a comma-separated list like x-tenant-id,baggage`);
    return header;
  });
}
