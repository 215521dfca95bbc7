import { readFileSync } from "node:fs";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { type JwksServer, startJwksServer } from "../support/jwks-server";
import { AUDIENCE, forgeToken, ISSUER, mintToken, newSigningKey } from "../support/signing-keys";

const ROOT = findProjectRoot(__dirname);
const DOC = readFileSync(path.join(ROOT, "docs", "services.md"), "utf8");

/** The code block the guide introduces with a bold `file` line. */
function shown(file: string): string {
  const block = new RegExp(`^\\*\\*\`${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\`\\*\\*\\n\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`$`, "m").exec(DOC);
  if (!block?.[1]) throw new Error(`docs/services.md shows no ${file}`);
  return block[1];
}

/** The jose snippet, run as written: `verifyAccessToken` with the given environment. */
function joseSnippet(env: Record<string, string>): (token: string) => Promise<Record<string, unknown>> {
  const code = shown("verify-with-jose.js");
  const load = new Function("require", "process", `${code}\nreturn verifyAccessToken;`);
  return load(require, { env }) as (token: string) => Promise<Record<string, unknown>>;
}

describe("docs/services.md", () => {
  it("shows the verifier-service fixture (run by the packed-kit test) verbatim", () => {
    const fixture = readFileSync(path.join(ROOT, "test", "fixtures", "verifier-service", "server.js"), "utf8");
    expect(shown("test/fixtures/verifier-service/server.js")).toBe(fixture.replace(/\n$/, ""));
  });

  describe("the jose snippet (an independent JWT implementation) against a JWKS of ours", () => {
    const es = newSigningKey("ES256");
    const rs = newSigningKey("RS256");
    let jwks: JwksServer;
    let verify: (token: string) => Promise<Record<string, unknown>>;
    const iat = () => Math.floor(Date.now() / 1000);

    beforeAll(async () => {
      jwks = await startJwksServer([es.jwk, rs.jwk]);
      verify = joseSnippet({ AUTH_PUBLIC_URL: jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    });
    afterAll(() => jwks.close());

    it("accepts our ES256 access token and returns its claims", async () => {
      await expect(verify(mintToken(es, { iat: iat(), claims: { sub: "alice", role: "ADMIN" } }))).resolves.toMatchObject({
        sub: "alice",
        sid: "session-1",
        role: "ADMIN",
        iss: ISSUER,
        aud: AUDIENCE,
      });
    });

    it.each([
      ["typ JWT", () => mintToken(es, { iat: iat(), header: { typ: "JWT" } }), /typ/],
      ["another issuer", () => mintToken(es, { iat: iat(), claims: { iss: "https://elsewhere.test" } }), /iss/],
      ["another audience", () => mintToken(es, { iat: iat(), claims: { aud: "other" } }), /aud/],
      ["an expired token", () => mintToken(es, { iat: iat() - 1000, ttlSeconds: 900 }), /exp/],
      ["RS256 (not listed in algorithms)", () => mintToken(rs, { iat: iat() }), /alg/i],
      [
        "HS256 signed with the published key",
        () => forgeToken({ hmacSecret: es.publicKey.export({ format: "pem", type: "spki" }).toString() }, { alg: "HS256", typ: "at+jwt", kid: es.kid }, { iat: iat() }),
        /alg/i,
      ],
    ])("refuses %s", async (_case, token, why) => {
      await expect(verify(token())).rejects.toThrow(why);
    });
  });
});
