import { createHmac } from "node:crypto";
import fc from "fast-check";
import { anyJson, type FuzzSeeds, headerSafe, HOSTILE_STRINGS, pick, pickRecent, short } from "./values";

const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** A JWT built by hand so header and payload can be anything JSON (or not JSON at all). */
export function signJwt(header: string, payload: string, secret: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** A validly shaped token's header and claims with one or two fields replaced, removed or added. */
function forgedArbitrary(seeds: FuzzSeeds) {
  const now = Math.floor(Date.now() / 1000);
  const valid = fc.record({
    header: fc.constant<Record<string, unknown>>({ alg: "HS256", typ: "at+jwt" }),
    claims: fc.record<Record<string, unknown>>({
      sub: pickRecent(seeds.userIds),
      sid: pickRecent(seeds.sessionIds),
      role: fc.constantFrom("USER", "ADMIN"),
      jti: fc.uuid(),
      iat: fc.constant(now),
      exp: fc.constant(now + 600),
      iss: fc.constant("graphql-auth-server"),
      aud: fc.constant("graphql-auth-server"),
    }),
  });
  const value = fc.option(fc.oneof(short(64), fc.constantFrom(...HOSTILE_STRINGS), anyJson, fc.uuid(), fc.double()), { nil: undefined, freq: 4 });
  const edit = fc.oneof(
    fc.record({ inHeader: fc.constant(true), key: fc.constantFrom("alg", "typ", "kid", "crit"), value }),
    fc.record({ inHeader: fc.constant(false), key: fc.constantFrom("sub", "sid", "role", "jti", "iat", "exp", "nbf", "iss", "aud", "__proto__"), value }),
  );
  // Mostly signed with the server's key: a wrong key is already covered by the mangled tokens.
  const rightKey = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
  return fc.tuple(valid, fc.array(edit, { maxLength: 2 }), rightKey).map(([token, edits, signedRight]) => {
    for (const { inHeader, key: k, value: v } of edits) {
      const target = inHeader ? token.header : token.claims;
      if (v === undefined) delete target[k];
      else Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return signJwt(JSON.stringify(token.header), JSON.stringify(token.claims), signedRight ? seeds.jwtSecret : "not-the-server-key-but-long-enough-to-look-real");
  });
}

function tokenArbitrary(seeds: FuzzSeeds) {
  const real = fc.oneof(pickRecent(seeds.accessTokens), pick(seeds.accessTokens));
  const unstructured = fc
    .tuple(fc.oneof(anyJson.map((j) => JSON.stringify(j)), short(64)), fc.oneof(anyJson.map((j) => JSON.stringify(j)), short(64)))
    .map(([h, p]) => signJwt(h, p, seeds.jwtSecret));
  const mangled = fc.tuple(real, fc.nat(), fc.constantFrom("flip", "truncate", "dropSignature", "swap", "none", "append")).map(([token, n, how]) => {
    const [h = "", p = "", s = ""] = token.split(".");
    const i = n % token.length;
    switch (how) {
      case "flip": return token.slice(0, i) + (token[i] === "A" ? "B" : "A") + token.slice(i + 1);
      case "truncate": return token.slice(0, i);
      case "dropSignature": return `${h}.${p}.`;
      case "swap": return `${p}.${h}.${s}`;
      case "none": return `${b64(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${p}.`;
      default: return `${token}.${token}`;
    }
  });
  const printable = headerSafe(200);
  return fc.oneof(
    { weight: 4, arbitrary: real },
    { weight: 5, arbitrary: forgedArbitrary(seeds) },
    { weight: 1, arbitrary: unstructured },
    { weight: 2, arbitrary: mangled },
    { weight: 1, arbitrary: printable },
    { weight: 1, arbitrary: pick(seeds.refreshTokens) },
  );
}

/** The Authorization header (undefined: none), always a value fetch can send. */
export function authorizationArbitrary(seeds: FuzzSeeds) {
  const token = tokenArbitrary(seeds);
  return fc.option(
    fc.oneof(
      token.map((t) => `Bearer ${t}`),
      fc.tuple(fc.constantFrom("bearer ", "BEARER  ", "Basic ", "Bearer\t", "", "Token "), token).map(([scheme, t]) => `${scheme}${t}`),
      fc.constantFrom("Bearer", "Bearer ", "Bearer a b", "Bearer ."),
    ),
    { nil: undefined, freq: 3 },
  ).map((value) => (value === undefined ? undefined : value.replace(/[\r\n\0]/g, "").trim()));
}

/** Operations that need a viewer, with valid variables: every answer depends on the token alone. */
export function tokenProbeArbitrary(seeds: FuzzSeeds) {
  const probes = [
    { query: "{ me { id email role createdAt } }", variables: {} },
    { query: "{ sessions { id userAgent current } }", variables: {} },
    { query: "{ users(first: 5) { id email } }", variables: {} },
    { query: "mutation { logout }", variables: {} },
  ];
  const revoke = pick(seeds.sessionIds).map((id) => ({ query: "mutation($id: ID!) { revokeSession(id: $id) }", variables: { id } }));
  return fc
    .tuple(fc.oneof(fc.constantFrom(...probes), revoke), tokenArbitrary(seeds))
    .map(([probe, token]) => ({ body: probe, authorization: `Bearer ${token}` }));
}
