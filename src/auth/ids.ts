import { createHash } from "node:crypto";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs in storage; anything else is rejected before it reaches a query. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * A UUID (version 8, RFC 9562 §5.8) derived from `name` by SHA-256: every instance computes the
 * same id for the same name, so a row keyed by it is shared instead of duplicated.
 */
export function nameBasedUuid(name: string): string {
  const bytes = createHash("sha256").update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
