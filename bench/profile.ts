/**
 * `npx tsx bench/profile.ts <refresh|me|login|signup> [seconds] [pglite]`: runs one workload against
 * the compiled server started with --cpu-prof (PostgreSQL from BENCH_POSTGRES_URL, or PGlite on
 * disk) and leaves the .cpuprofile in $PROFILE_DIR (default /tmp/auth-profile); open it in Chrome
 * DevTools or summarise it with `node bench/profile-summary.mjs <file>`. Where the server's time
 * goes, found first and measured after (issue 11).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_PASSWORD } from "./accounts";
import { cannon, gql, PAIR, refreshThroughput } from "./measure";
import { withFreshPostgres } from "./postgres";
import { startBuiltServer } from "./server-process";

const WORKLOADS = ["refresh", "me", "login", "signup"] as const;
type Workload = (typeof WORKLOADS)[number];

async function main(): Promise<void> {
  const workload = process.argv[2] as Workload;
  if (!WORKLOADS.includes(workload)) throw new Error(`usage: bench/profile.ts <${WORKLOADS.join("|")}> [seconds] [pglite]`);
  const seconds = Number(process.argv[3] ?? 10);
  const profileDir = process.env.PROFILE_DIR ?? "/tmp/auth-profile";
  mkdirSync(profileDir, { recursive: true });
  const run = async (databaseUrl: string) => {
    const { server } = await startBuiltServer(databaseUrl, 4721, {}, ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]);
    try {
      await drive(server.url, workload, seconds);
    } finally {
      await server.stop();
    }
  };
  if (process.argv[4] === "pglite") {
    const dir = mkdtempSync(join(tmpdir(), "auth-profile-"));
    try {
      await run(`pglite:${join(dir, "pglite")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    await withFreshPostgres(process.env.BENCH_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres", run);
  }
  console.log(`profile written to ${profileDir}`);
}

async function drive(url: string, workload: Workload, seconds: number): Promise<void> {
  const email = "profile@example.com";
  const signup = await gql<{ signup: { accessToken: string } }>(url, `mutation($i: SignupInput!) { signup(input: $i) { ${PAIR} } }`, {
    i: { email, password: BENCH_PASSWORD },
  });
  const login = () =>
    gql<{ login: { refreshToken: string } }>(url, `mutation($i: LoginInput!) { login(input: $i) { ${PAIR} } }`, {
      i: { email, password: BENCH_PASSWORD },
    });
  const deadline = Date.now() + seconds * 1000;
  if (workload === "refresh") {
    const chains = await Promise.all(Array.from({ length: 16 }, async () => (await login()).login.refreshToken));
    await refreshThroughput(url, chains, seconds);
  } else if (workload === "me") {
    await cannon(url, JSON.stringify({ query: "{ me { id email role } }" }), signup.signup.accessToken, 50, seconds);
  } else if (workload === "login") {
    while (Date.now() < deadline) await login();
  } else {
    for (let i = 0; Date.now() < deadline; i++) {
      await gql(url, `mutation($i: SignupInput!) { signup(input: $i) { ${PAIR} } }`, { i: { email: `p${i}@example.com`, password: BENCH_PASSWORD } });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
