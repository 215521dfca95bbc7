/** At most this many refresh cookies are looked at: logout looks each one up in the database. */
export const MAX_COOKIE_VALUES = 16;

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function decode(value: string): string {
  try {
    return value.includes("%") ? decodeURIComponent(value) : value;
  } catch {
    return value;
  }
}

/**
 * Every distinct, non-empty value of cookie `name` in a raw Cookie header, in order (RFC 6265
 * §5.4). @fastify/cookie keeps only the first of duplicate names, which is exactly the one a
 * tossed cookie can win. Names are compared byte for byte and never decoded: `__%48ost-x` is not
 * `__Host-x`, since browsers enforce the prefix's rules on the literal name only.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values = new Set<string>();
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const value = decode(unquote(pair.slice(eq + 1).trim()));
    if (value !== "") values.add(value);
    if (values.size === MAX_COOKIE_VALUES) break;
  }
  return [...values];
}
