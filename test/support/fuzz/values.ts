import fc from "fast-check";

/**
 * Real credentials and tokens from the server under test, to be used as-is or mangled. The arrays
 * are live pools: the test appends fresh sessions as fuzzed logouts revoke the old ones.
 */
export interface FuzzSeeds {
  emails: string[];
  password: string;
  accessTokens: string[];
  refreshTokens: string[];
  userIds: string[];
  sessionIds: string[];
  /** The server's JWT key: forged tokens test claim checks behind a valid signature. */
  jwtSecret: string;
}

/** One HTTP request; `body` is sent verbatim (it may not be JSON at all). */
export interface FuzzRequest {
  method: "GET" | "POST" | "PUT" | "DELETE" | "OPTIONS";
  search: string;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}

export const HOSTILE_STRINGS = [
  "", " ", "\u0000", "a\u0000b", "\ud800", "\udfff", "\u202e", "\ufeff", "null", "undefined", "NaN", "💥👩‍👩‍👧",
  "' OR 1=1 --", "\"; DROP TABLE \"User\"; --", "%00", "${jndi:ldap://x}", "<script>", "../../etc/passwd",
  "__proto__", "constructor", "a".repeat(1025), "a".repeat(5000),
];

export const short = (max: number) =>
  fc.oneof(fc.string({ maxLength: max }), fc.string({ unit: "binary", maxLength: max }), fc.string({ unit: "grapheme", maxLength: max }));

/** Up to ~70 KB: some bodies end up just under or over the 64 KiB limit. */
const huge = fc
  .tuple(fc.string({ unit: "binary", minLength: 1, maxLength: 3 }), fc.integer({ min: 1_000, max: 70_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

export const hostileString = fc.oneof(short(64), fc.constantFrom(...HOSTILE_STRINGS), huge);
export const anyJson = fc.jsonValue({ maxDepth: 4 });

/** An element of a live pool, read when the value is generated. */
export const pick = (pool: string[]) => fc.nat({ max: 1_000_000 }).map((i) => pool[i % pool.length] ?? "");
/** One of the newest entries: most likely still live. */
export const pickRecent = (pool: string[]) => fc.nat({ max: 3 }).map((i) => pool[Math.max(0, pool.length - 1 - i)] ?? "");

/** Printable Latin-1: anything fetch will put in a header. */
export const headerSafe = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c < 0x7f || c > 0x9f).map((c) => String.fromCharCode(c)), maxLength });
