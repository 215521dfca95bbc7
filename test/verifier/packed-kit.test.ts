import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { type JwksServer, startJwksServer } from "../support/jwks-server";
import { type KitProcess, PackedKit } from "../support/packed-kit";
import { AUDIENCE, ISSUER, mintToken, newSigningKey } from "../support/signing-keys";

const ROOT = findProjectRoot(__dirname);
const SERVICE = path.join(ROOT, "test", "fixtures", "verifier-service", "server.js");
/** What the kit must never load: the server's database, hashing, HTTP stack and Apollo's runtime. */
const FORBIDDEN = /[\\/]node_modules[\\/](argon2|@prisma|prisma|\.prisma|@apollo[\\/]server|fastify|@fastify|pg|pg-pool|@electric-sql[\\/]pglite|ioredis|pino|ws|graphql-ws)[\\/]/;

const CONSUMER_COMPILER_OPTIONS = { module: "node16", moduleResolution: "node16", strict: true, noEmit: true, skipLibCheck: false, types: ["node"] };
const TYPED_CONSUMER = `
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { apolloContext, createTokenVerifier, type VerifyResult, withAuthorization } from "graphql-auth-server/verifier";

const verifier = createTokenVerifier({ issuer: "https://auth.test", audience: "svc", jwksUrl: "https://auth.test/.well-known/jwks.json" });
const resolvers = { Query: { whoami: (_p: unknown, _a: unknown, ctx: VerifyResult) => ctx.viewer?.user.id ?? null } };
const server = new ApolloServer<VerifyResult>(withAuthorization({ typeDefs: "type Query { whoami: String @auth }", resolvers }));
void startStandaloneServer(server, { context: apolloContext(verifier) });
`;

let kit: PackedKit;
beforeAll(async () => {
  kit = await PackedKit.install();
}, 300_000);
afterAll(() => kit?.remove());

describe("the packed kit, loaded as an outside project loads it", () => {
  it("require('graphql-auth-server/verifier') resolves into the installed tarball", async () => {
    const out = await kit.node(["-e", "process.stdout.write(require.resolve('graphql-auth-server/verifier'))"]);
    expect(out.stderr).toBe("");
    expect(out.stdout).toBe(path.join(kit.packageDir, "dist", "src", "verifier", "index.js"));
  });

  it("loads none of argon2, Prisma, Apollo Server's runtime, fastify, pg, PGlite, ioredis (require.cache)", async () => {
    const script = "require('graphql-auth-server/verifier'); process.stdout.write(JSON.stringify(Object.keys(require.cache)))";
    const out = await kit.node(["-e", script]);
    expect(out.stderr).toBe("");
    const loaded = JSON.parse(out.stdout) as string[];
    expect(loaded.some((file) => file.startsWith(kit.packageDir))).toBe(true);
    expect(loaded.filter((file) => FORBIDDEN.test(file))).toEqual([]);
    // Nothing from this checkout's own src/ or dist/ either: only the tarball and dependencies.
    expect(loaded.filter((file) => file.startsWith(ROOT) && !file.startsWith(path.join(ROOT, "node_modules")))).toEqual([]);
  });

  it("a strict TypeScript consumer typechecks against the shipped declarations (skipLibCheck off)", async () => {
    const typed = await PackedKit.install();
    try {
      typed.linkDependencies();
      typed.write("tsconfig.json", JSON.stringify({ compilerOptions: CONSUMER_COMPILER_OPTIONS, files: ["consumer.ts"] }));
      typed.write("consumer.ts", TYPED_CONSUMER);
      expect(await typed.exec(path.join("node_modules", ".bin", "tsc"), ["-p", "."])).toMatchObject({ code: 0, stdout: "" });
      typed.write("consumer.ts", `${TYPED_CONSUMER}\nconst wrong: string = verifier.verify;\n`);
      expect((await typed.exec(path.join("node_modules", ".bin", "tsc"), ["-p", "."])).stdout).toMatch(/TS2322/);
    } finally {
      typed.remove();
    }
  }, 120_000);
});

describe("a separate Apollo service using the packed kit (test/fixtures/verifier-service)", () => {
  const es = newSigningKey("ES256");
  const rs = newSigningKey("RS256");
  let jwks: JwksServer;
  let service: KitProcess;
  let url: string;

  const env = (extra: Record<string, string> = {}) => ({ ISSUER, AUDIENCE, JWKS_URL: jwks.jwksUrl, PORT: "0", ...extra });
  async function startService(extra: Record<string, string> = {}): Promise<{ process: KitProcess; url: string }> {
    const started = kit.start(kit.copyIn(SERVICE, "server.js"), env(extra));
    return { process: started, url: await started.waitFor(/^READY (\S+)$/m) };
  }

  async function ask(at: string, query: string, token?: string) {
    const response = await fetch(at, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: Record<string, unknown> }> };
    const error = body.errors?.[0]?.extensions;
    return { status: response.status, data: body.data ?? null, code: error?.code ?? null, reason: error?.reason ?? null };
  }

  const now = () => Math.floor(Date.now() / 1000);
  const user = mintToken(es, { iat: now(), claims: { sub: "alice", role: "USER" } });
  const admin = mintToken(rs, { iat: now(), claims: { sub: "root", role: "ADMIN" } });

  beforeAll(async () => {
    jwks = await startJwksServer([es.jwk, rs.jwk]);
    ({ process: service, url } = await startService());
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await jwks?.close();
  });

  it("hello is public", async () => {
    expect(await ask(url, "{ hello }")).toEqual({ status: 200, data: { hello: "world" }, code: null, reason: null });
  });

  it("whoami without a token is UNAUTHENTICATED (TOKEN_MISSING), and no resolver ran", async () => {
    expect(await ask(url, "{ whoami }")).toEqual({ status: 200, data: null, code: "UNAUTHENTICATED", reason: "TOKEN_MISSING" });
  });

  it("whoami answers the token's user, ES256 and RS256 alike", async () => {
    expect((await ask(url, "{ whoami }", user)).data).toEqual({ whoami: "alice" });
    expect((await ask(url, "{ whoami }", admin)).data).toEqual({ whoami: "root" });
  });

  it("adminOnly: a USER is FORBIDDEN, an ADMIN is served", async () => {
    expect(await ask(url, "{ adminOnly }", user)).toMatchObject({ data: null, code: "FORBIDDEN" });
    expect((await ask(url, "{ adminOnly }", admin)).data).toEqual({ adminOnly: "for admins" });
  });

  it("a denied field denies the whole operation; an expired or forged token says why", async () => {
    expect(await ask(url, "{ hello adminOnly }", user)).toMatchObject({ data: null, code: "FORBIDDEN" });
    const expired = mintToken(es, { iat: now() - 1000, ttlSeconds: 900 });
    expect(await ask(url, "{ whoami }", expired)).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" });
    const forged = mintToken(newSigningKey("ES256", { kid: es.kid }), { iat: now() });
    expect(await ask(url, "{ whoami }", forged)).toMatchObject({ code: "UNAUTHENTICATED", reason: "TOKEN_INVALID" });
  });

  it("with token-status checks, a revoked session is UNAUTHENTICATED (SESSION_REVOKED)", async () => {
    jwks.introspect = (request) => {
      const token = new URLSearchParams(request.body).get("token") ?? "";
      const sid = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).sid;
      const authorized = request.headers.authorization === `Basic ${Buffer.from(`svc:${"x".repeat(32)}`).toString("base64")}`;
      if (!authorized) return { status: 401, body: { error: "invalid_client" } };
      return { status: 200, body: sid === "revoked" ? { active: false } : { active: true, sub: "alice", sid, role: "USER" } };
    };
    const checked = await startService({ INTROSPECT_URL: jwks.introspectUrl, CLIENT_ID: "svc", CLIENT_SECRET: "x".repeat(32) });
    try {
      expect((await ask(checked.url, "{ whoami }", user)).data).toEqual({ whoami: "alice" });
      const revoked = mintToken(es, { iat: now(), claims: { sub: "alice", sid: "revoked" } });
      expect(await ask(checked.url, "{ whoami }", revoked)).toMatchObject({ code: "UNAUTHENTICATED", reason: "SESSION_REVOKED" });
    } finally {
      await checked.process.stop();
    }
  });

  it("with the JWKS unreachable, a guarded field is SERVICE_UNAVAILABLE (not 'sign in again'); public ones still work", async () => {
    const cut = await startService({ JWKS_URL: "http://127.0.0.1:9/.well-known/jwks.json" });
    try {
      expect(await ask(cut.url, "{ whoami }", user)).toMatchObject({ data: null, code: "SERVICE_UNAVAILABLE" });
      expect((await ask(cut.url, "{ hello }", user)).data).toEqual({ hello: "world" });
    } finally {
      await cut.process.stop();
    }
  });
});
