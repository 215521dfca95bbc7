import { isIP } from "node:net";
import { ConfigError } from "./config-error";
import { type Env, readOptional } from "./readers";

/** The range names Fastify's proxy-addr expands. */
const RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/**
 * TRUST_PROXY: false (the socket address only), true, a hop count, or a comma-separated list of
 * proxy addresses, CIDRs and range names. Validated here, so a typo stops the boot with a fix-it
 * message instead of a TypeError from the HTTP layer after the database was already migrated.
 */
export function readTrustProxy(env: Env): boolean | number | string {
  const value = readOptional(env, "TRUST_PROXY");
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  const invalid = value.split(",").map((entry) => entry.trim()).find((entry) => !isProxyRange(entry));
  if (invalid !== undefined) {
    throw new ConfigError(
      "TRUST_PROXY",
      `"${invalid}" is not an address, CIDR or range name; use false, a hop count (1), or addresses/CIDRs like 10.0.0.0/8,fd00::/8 (or loopback, linklocal, uniquelocal)`,
    );
  }
  return value;
}

function isProxyRange(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = "", range, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (version === 4 ? 32 : 128);
  return version === 4 && isContiguousNetmask(range);
}

/** proxy-addr also takes an IPv4 netmask (10.0.0.0/255.0.0.0) if its one-bits are contiguous and not none. */
function isContiguousNetmask(mask: string): boolean {
  if (isIP(mask) !== 4) return false;
  const bits = mask.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const inverted = 0xffffffff - bits;
  return bits !== 0 && (inverted & (inverted + 1)) === 0;
}
