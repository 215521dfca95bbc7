import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { findProjectRoot } from "../../src/project-root";
import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";

const ROOT = findProjectRoot(__dirname);
const SCRIPT = path.join(__dirname, "fixtures", "timezone-roundtrip.ts");

const T = "2030-01-01T00:00:00.123Z";
const LATER = "2030-01-02T00:00:00.456Z";
const LATEST = "2030-01-03T00:00:00.789Z";

/**
 * Regression: pglite-prisma-adapter drops the UTC offset of timestamptz values, and $queryRaw then
 * parses them in the host's zone; @prisma/adapter-pg writes and reads timestamptz without an
 * offset, so a non-UTC server session zone shifts instants. Every Date the stores return, and
 * every Date their raw writes store, must be the instant given.
 */
async function roundTrip(url: string, tz: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(path.join(ROOT, "node_modules", ".bin", "tsx"), [SCRIPT, url], {
    cwd: ROOT,
    env: { ...process.env, TZ: tz },
  });
  return JSON.parse(stdout);
}

/** Makes the database's default session zone non-UTC, as a server configured for local time has. */
async function setDatabaseZone(url: string, zone: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    await client.query(`ALTER DATABASE "${name}" SET timezone = '${zone}'`);
  } finally {
    await client.end();
  }
}

const PGLITE_CASES = [
  { backend: "PGlite", tz: "Asia/Kolkata", serverTz: "default" },
  { backend: "PGlite", tz: "America/New_York", serverTz: "default" },
];
const POSTGRES_CASES = [
  { backend: "PostgreSQL", tz: "Asia/Kolkata", serverTz: "default" },
  { backend: "PostgreSQL", tz: "America/New_York", serverTz: "Asia/Kolkata" },
];

const session = { createdAt: T, lastUsedAt: T, expiresAt: LATER, absoluteExpiresAt: LATER, revokedAt: LATER };

const rotation = {
  lockedChild: {
    token: { createdAt: LATER, expiresAt: LATEST, rotatedAt: null, revokedAt: null },
    session: { createdAt: T, lastUsedAt: LATER, expiresAt: LATEST, absoluteExpiresAt: LATER, revokedAt: null },
  },
  parent: { createdAt: T, expiresAt: LATER, rotatedAt: LATER, revokedAt: LATEST },
  child: { createdAt: LATER, expiresAt: LATEST, rotatedAt: null, revokedAt: LATEST },
  session: { createdAt: T, lastUsedAt: LATER, expiresAt: LATEST, absoluteExpiresAt: LATER, revokedAt: LATEST },
};

function describeRoundTrips(cases: typeof PGLITE_CASES): void {
  describe.each(cases)("dates on $backend with TZ=$tz, server zone $serverTz", ({ backend, tz, serverTz }) => {
    it("come back as the exact instants stored", async () => {
      const fresh = backend === "PostgreSQL" ? await createTestDatabase() : { url: "pglite:memory", drop: async () => undefined };
      let result: unknown;
      try {
        if (serverTz !== "default") await setDatabaseZone(fresh.url, serverTz);
        result = await roundTrip(fresh.url, tz);
      } finally {
        await fresh.drop();
      }
      expect(result).toMatchObject({
        created: { ...session, revokedAt: null },
        state: { session, user: { createdAt: T } },
        locked: { token: { createdAt: T, expiresAt: LATER, revokedAt: LATER }, session },
        listed: [{ createdAt: T }],
        byEmail: { createdAt: T, passwordHash: "h" },
        byId: { createdAt: T },
        bySession: { ...session, revokedAt: null },
        rotation,
      });
    }, 60_000);
  });
}

describeRoundTrips(PGLITE_CASES);
describeWithPostgres("dates on PostgreSQL", () => describeRoundTrips(POSTGRES_CASES));
