import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authorizationCostBench } from "./authz-report";
import { withFreshPostgres } from "./postgres";
import { startServerProcess } from "./server-process";
import { idleSocketsBench } from "./ws-idle";
import { logoutLatencyBench } from "./ws-logout";

/** Room for 1,000 sockets from one address, 100 per user (production defaults: 100 and 20). */
const WS_ENV = { WS_MAX_CONNECTIONS_PER_USER: "200", WS_MAX_CONNECTIONS_PER_IP: "2000" };
const LOGOUT_ROUNDS = 5;
const SAME_INSTANCE_MS = 1000;
const ACROSS_INSTANCES_MS = 2000;

/**
 * The websocket sections (issue 7): idle sockets' memory and logoutAll → close latency on PGlite,
 * the latter also on PostgreSQL within and across two instances (`postgresUrl` null skips it);
 * then what the pre-execution authorization check costs `me`. Client and servers share the machine.
 */
export async function websocketSections(postgresUrl: string | null): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "auth-bench-ws-"));
  const logout = [];
  try {
    const server = await startServerProcess(`pglite:${join(dir, "pglite")}`, 4711, WS_ENV);
    try {
      console.log("\nIdle signed-in websockets (graphql-ws, one sessionEvents subscription each; PGlite):");
      console.table([await idleSocketsBench(server)]);
      const setup = { name: "PGlite, same instance", httpUrl: server.url, wsUrl: server.url, boundMs: SAME_INSTANCE_MS };
      logout.push(await logoutLatencyBench(setup, LOGOUT_ROUNDS));
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (postgresUrl) logout.push(...(await withFreshPostgres(postgresUrl, postgresLogout)));
  console.log("\nlogoutAll (HTTP) → each of the user's 100 sockets closed (10 sessions × 10 sockets):");
  console.table(logout);
  console.log("\n`me` with and without the pre-execution authorization check (the issue's budget: < 5 % of throughput):");
  console.table(await authorizationCostBench());
}

/** Two instances on one database: A alone, then the user's sockets on B and logoutAll on A. */
async function postgresLogout(databaseUrl: string) {
  // One deployment: both instances accept the same access tokens.
  const env = { ...WS_ENV, JWT_SECRET: randomBytes(48).toString("base64url") };
  const a = await startServerProcess(databaseUrl, 4712, env);
  try {
    // B starts after A has migrated the fresh database.
    const b = await startServerProcess(databaseUrl, 4713, env);
    try {
      const same = { name: "PostgreSQL, same instance", httpUrl: a.url, wsUrl: a.url, boundMs: SAME_INSTANCE_MS };
      const across = { name: "PostgreSQL, across instances", httpUrl: a.url, wsUrl: b.url, boundMs: ACROSS_INSTANCES_MS };
      return [await logoutLatencyBench(same, LOGOUT_ROUNDS), await logoutLatencyBench(across, LOGOUT_ROUNDS)];
    } finally {
      await b.stop();
    }
  } finally {
    await a.stop();
  }
}
