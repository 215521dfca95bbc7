import { build } from "esbuild";
import path from "node:path";
import { findProjectRoot } from "../../src/project-root";
import { PackedKit } from "../support/packed-kit";

const ROOT = findProjectRoot(__dirname);
const SUBPATHS = ["client", "client/apollo", "client/urql", "client/ws"] as const;
/** The server's packages, and the GraphQL clients the core must not load by itself. */
const SERVER = /[\\/]node_modules[\\/](argon2|@prisma|prisma|\.prisma|@apollo[\\/]server|fastify|@fastify|pg|pg-pool|@electric-sql[\\/]pglite|ioredis|pino|ws|jsonwebtoken)[\\/]/;
const CLIENT_LIBRARIES = /[\\/]node_modules[\\/](@apollo[\\/]client|@urql|wonka|rxjs|graphql-ws|graphql)[\\/]/;

let kit: PackedKit;
beforeAll(async () => {
  kit = await PackedKit.install();
  // ESM resolution ignores NODE_PATH: the peers are linked in, as an app would have them installed.
  kit.linkDependencies();
}, 300_000);
afterAll(() => kit?.remove());

describe("graphql-auth-server/client from the packed tarball", () => {
  it("require() gets the CommonJS build; the core loads no GraphQL client and nothing of the server", async () => {
    const script = `const kit = require("graphql-auth-server/client");
      process.stdout.write(JSON.stringify({ file: require.resolve("graphql-auth-server/client"), exports: Object.keys(kit).sort(), loaded: Object.keys(require.cache) }));`;
    const out = await kit.node(["-e", script]);
    expect(out.stderr).toBe("");
    const { file, exports, loaded } = JSON.parse(out.stdout) as { file: string; exports: string[]; loaded: string[] };
    expect(file).toBe(path.join(kit.packageDir, "dist", "src", "client", "index.js"));
    expect(exports).toEqual(expect.arrayContaining(["createAuthSession", "localStorageRefreshTokenStore", "memoryRefreshTokenStore", "singleFlight"]));
    expect(loaded.filter((f) => SERVER.test(f) || CLIENT_LIBRARIES.test(f))).toEqual([]);
    expect(loaded.filter((f) => f.startsWith(ROOT) && !f.includes(`${path.sep}node_modules${path.sep}`))).toEqual([]);
  });

  it("import() gets the ES module build of every subpath", async () => {
    const script = `const out = {};
      for (const sub of ${JSON.stringify(SUBPATHS)}) {
        const mod = await import("graphql-auth-server/" + sub);
        out[sub] = { url: import.meta.resolve("graphql-auth-server/" + sub), exports: Object.keys(mod).sort() };
      }
      process.stdout.write(JSON.stringify(out));`;
    const out = await kit.node(["--input-type=module", "-e", script]);
    expect(out.stderr).toBe("");
    const loaded = JSON.parse(out.stdout) as Record<string, { url: string; exports: string[] }>;
    for (const sub of SUBPATHS) expect(loaded[sub]!.url).toMatch(/\/dist\/src\/client\/esm\/(index|apollo|urql|ws)\.mjs$/);
    expect(loaded.client!.exports).toContain("createAuthSession");
    expect(loaded["client/apollo"]!.exports).toEqual(["createAuthLink"]);
    expect(loaded["client/urql"]!.exports).toEqual(["authExchange"]);
    expect(loaded["client/ws"]!.exports).toEqual(["createAuthWsClient", "watchSessionEvents"]);
  });

  it("a bundler (esbuild, as Vite uses) takes the ES modules, one copy of Apollo Client, and nothing of Node", async () => {
    const entry = kit.write(
      "app.ts",
      `import { createAuthSession } from "graphql-auth-server/client";
       import { createAuthLink } from "graphql-auth-server/client/apollo";
       import { authExchange } from "graphql-auth-server/client/urql";
       import { createAuthWsClient } from "graphql-auth-server/client/ws";
       import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
       const session = createAuthSession({ url: "/graphql", transport: "cookie" });
       export const apollo = new ApolloClient({ link: ApolloLink.from([createAuthLink(session), new HttpLink({ uri: "/graphql" })]), cache: new InMemoryCache() });
       export const exchange = authExchange(session);
       export const ws = createAuthWsClient(session, { url: "ws://localhost/graphql" });`,
    );
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: kit.dir,
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
      define: { "process.env.NODE_ENV": '"production"' },
    });
    const inputs = Object.keys(result.metafile.inputs);
    const kitInputs = inputs.filter((f) => f.includes("graphql-auth-server/"));
    expect(kitInputs.length).toBeGreaterThan(0);
    expect(kitInputs.every((f) => /dist\/src\/client\/esm\//.test(f))).toBe(true);
    expect(inputs.filter((f) => f.includes("@apollo/client/__cjs"))).toEqual([]);
    expect(inputs.filter((f) => SERVER.test(`/${f}`))).toEqual([]);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*"node:|require\("node:/);
  }, 120_000);

  it("a strict TypeScript app (moduleResolution bundler) typechecks against the shipped declarations", async () => {
    const consumer = `
      import { createAuthSession, type AuthSessionEvent } from "graphql-auth-server/client";
      import { createAuthLink } from "graphql-auth-server/client/apollo";
      import { createAuthWsClient, watchSessionEvents } from "graphql-auth-server/client/ws";
      const session = createAuthSession({ url: "/graphql", transport: "cookie" });
      session.subscribe((event: AuthSessionEvent) => void event.type);
      createAuthLink(session);
      watchSessionEvents(session, createAuthWsClient(session, { url: "ws://localhost/graphql" }));
    `;
    const options = { module: "esnext", moduleResolution: "bundler", target: "es2022", lib: ["es2022", "dom"], strict: true, noEmit: true, skipLibCheck: true, types: [] };
    kit.write("tsconfig.json", JSON.stringify({ compilerOptions: options, files: ["consumer.ts"] }));
    kit.write("consumer.ts", consumer);
    const tsc = path.join("node_modules", ".bin", "tsc");
    expect(await kit.exec(tsc, ["-p", "."])).toMatchObject({ code: 0, stdout: "" });
    kit.write("consumer.ts", `${consumer}\nconst wrong: number = session.status();\n`);
    expect((await kit.exec(tsc, ["-p", "."])).stdout).toMatch(/TS2322/);
  }, 120_000);
});
