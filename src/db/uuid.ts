const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are uuid columns, and PostgreSQL rejects a malformed uuid literal with an error. Ids can come
 * from clients (GraphQL arguments, cursors), so a malformed one must mean "no such row", not a 500.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
