/**
 * Whether an Accept-Encoding header (RFC 9110 §12.5.3) accepts gzip: named, or `*`, with a
 * weight above zero. An explicit `gzip;q=0` refuses it even when `*` is accepted.
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const weights = new Map<string, number>();
  for (const entry of header.split(",")) {
    const [coding = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (coding !== "") weights.set(coding, Number.isNaN(weight) ? 0 : weight);
  }
  const gzip = weights.get("gzip") ?? weights.get("x-gzip") ?? weights.get("*");
  return gzip !== undefined && gzip > 0;
}
