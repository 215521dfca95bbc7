import { ConfigError } from "./config-error";
import { type Env, readOptional } from "./readers";

export interface ServiceCredential {
  id: string;
  secret: Buffer;
}

export const MIN_SERVICE_SECRET_BYTES = 32;
const FIX = "use SERVICE_CREDENTIALS=billing:$(openssl rand -base64 32),reports:…";

/**
 * `SERVICE_CREDENTIALS="id:secret,id2:secret2"`: the services allowed to ask /introspect about a
 * token. Unset, the endpoint does not exist.
 */
export function readServiceCredentials(env: Env): ServiceCredential[] {
  const value = readOptional(env, "SERVICE_CREDENTIALS");
  if (value === undefined) return [];
  const seen = new Set<string>();
  return value.split(",").map((entry) => {
    const colon = entry.indexOf(":");
    const id = entry.slice(0, colon).trim();
    const secret = Buffer.from(entry.slice(colon + 1).trim(), "utf8");
    if (colon < 1 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new ConfigError("SERVICE_CREDENTIALS", `expected id:secret pairs; ${FIX}`);
    if (secret.length < MIN_SERVICE_SECRET_BYTES) {
      throw new ConfigError("SERVICE_CREDENTIALS", `the secret of "${id}" is too short (${secret.length} bytes, at least ${MIN_SERVICE_SECRET_BYTES}); ${FIX}`);
    }
    if (seen.has(id)) throw new ConfigError("SERVICE_CREDENTIALS", `"${id}" appears twice`);
    seen.add(id);
    return { id, secret };
  });
}
