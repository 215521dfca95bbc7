const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs in storage; anything else is rejected before it reaches a query. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
