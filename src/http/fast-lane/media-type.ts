import Negotiator from "negotiator";

/** Apollo Server 5's media types for a single (non-incremental) result, in its preference order. */
export const APPLICATION_JSON = "application/json; charset=utf-8";
const CANDIDATES = [APPLICATION_JSON, "application/graphql-response+json; charset=utf-8", "application/json; callbackSpec=1.0; charset=utf-8"];

/** Distinct Accept values remembered; clients send a handful, an attacker's extras are not kept. */
const REMEMBERED = 64;
const chosen = new Map<string, string | null>();

/**
 * The response's Content-Type for this Accept header, decided exactly as Apollo decides it for a
 * single result (no header: JSON; otherwise the negotiated preference), or null where Apollo would
 * answer 406. Negotiating is a few microseconds per request, so answers are remembered.
 */
export function responseMediaType(accept: string | undefined): string | null {
  if (!accept) return APPLICATION_JSON;
  const known = chosen.get(accept);
  if (known !== undefined) return known;
  const preferred = new Negotiator({ headers: { accept } }).mediaType(CANDIDATES) ?? null;
  if (chosen.size < REMEMBERED) chosen.set(accept, preferred);
  return preferred;
}
