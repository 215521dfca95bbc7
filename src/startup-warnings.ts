import type { Logger } from "pino";
import type { Config } from "./config";

export const TRUST_PROXY_TRUE_WARNING =
  "TRUST_PROXY=true believes the leftmost X-Forwarded-For address, which any client can write: per-IP rate limits " +
  "and the IPs in sessions and the audit trail can be forged. Set TRUST_PROXY to the number of proxies in front of " +
  "this server (e.g. 1) or to their addresses/CIDRs (e.g. 10.0.0.0/8)";

/**
 * Settings that are valid but unsafe, said once at start where the operator looks. Config only
 * validates; deciding what deserves a warning and logging it belongs to the composition root.
 */
export function warnAboutRiskySettings(config: Readonly<Config>, logger: Logger): void {
  if (config.trustProxy === true) logger.warn({ trustProxy: true }, TRUST_PROXY_TRUE_WARNING);
}
