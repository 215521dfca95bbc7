import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withFreshPostgres } from "./postgres";
import { type RunningServer, startServerProcess } from "./server-process";

export type BenchAlgorithm = "HS256" | "ES256";
export const BENCH_ALGORITHMS: readonly BenchAlgorithm[] = ["HS256", "ES256"];

export interface AlgorithmServer {
  algorithm: BenchAlgorithm;
  server: RunningServer;
  /**
   * Where an in-process core of the same deployment may open: the server's PostgreSQL database
   * with its keys and secrets (`env`), or a PGlite of its own in memory (a data directory is the
   * running server's alone).
   */
  sibling: { databaseUrl: string; env: Record<string, string> };
}

const PORTS: Record<BenchAlgorithm, number> = { HS256: 4741, ES256: 4742 };

/**
 * Each algorithm explicitly, as an operator would set it. ES256 keeps its keys in the database,
 * sealed under a KEY_ENCRYPTION_KEY made for this run, and names `publicUrl` in its discovery
 * documents (unset, it warns at start); HS256 gets a JWT_SECRET of its own. JWT_ISSUER keeps one
 * issuer for both (PUBLIC_URL would change it), so the two differ in the algorithm only.
 */
export function signingEnv(algorithm: BenchAlgorithm, publicUrl: string): Record<string, string> {
  const issuer = { JWT_ISSUER: "graphql-auth-server" };
  if (algorithm === "HS256") return { ...issuer, JWT_ALGORITHM: "HS256", JWT_SECRET: randomBytes(48).toString("base64url") };
  return {
    ...issuer,
    JWT_ALGORITHM: "ES256",
    // A set but unused secret only earns a start-up notice.
    JWT_SECRET: "",
    KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    PUBLIC_URL: publicUrl,
  };
}

/**
 * One server per algorithm, both up for the whole section, each on its own database of the same
 * kind: a fresh PostgreSQL database each when `postgresUrl` is given, else PGlite on disk.
 */
export async function withAlgorithmServers<T>(postgresUrl: string | null, work: (servers: AlgorithmServer[]) => Promise<T>): Promise<T> {
  if (postgresUrl) {
    return withFreshPostgres(postgresUrl, (hs) => withFreshPostgres(postgresUrl, (es) => withServers({ HS256: hs, ES256: es }, work)));
  }
  const dir = mkdtempSync(join(tmpdir(), "auth-bench-keys-"));
  try {
    return await withServers({ HS256: `pglite:${join(dir, "hs256")}`, ES256: `pglite:${join(dir, "es256")}` }, work);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withServers<T>(databases: Record<BenchAlgorithm, string>, work: (servers: AlgorithmServer[]) => Promise<T>): Promise<T> {
  const servers: AlgorithmServer[] = [];
  try {
    // Started together; both settle before going on, so a failed start still stops the other.
    const started = await Promise.allSettled(
      BENCH_ALGORITHMS.map(async (algorithm): Promise<AlgorithmServer> => {
        const databaseUrl = databases[algorithm];
        const env = signingEnv(algorithm, `http://127.0.0.1:${PORTS[algorithm]}`);
        const server = await startServerProcess(databaseUrl, PORTS[algorithm], env);
        return { algorithm, server, sibling: { databaseUrl: databaseUrl.startsWith("pglite:") ? "pglite:memory" : databaseUrl, env } };
      }),
    );
    for (const s of started) if (s.status === "fulfilled") servers.push(s.value);
    for (const s of started) if (s.status === "rejected") throw s.reason;
    return await work(servers);
  } finally {
    await Promise.all(servers.map((s) => s.server.stop()));
  }
}

/** The algorithm in a token's header: each server must sign with the one it was started for. */
export function headerAlgorithm(token: string): string {
  const [header = ""] = token.split(".");
  const parsed = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown };
  return String(parsed.alg);
}
