import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { findProjectRoot } from "../../src/project-root";
import { createTestDatabase } from "../support/postgres";

const ROOT = findProjectRoot(__dirname);
const SCRIPT = path.join(__dirname, "fixtures", "timezone-roundtrip.ts");

const T = "2030-01-01T00:00:00.123Z";
const LATER = "2030-01-02T00:00:00.456Z";

/**
 * Regression: pglite-prisma-adapter drops the UTC offset of timestamptz values, and $queryRaw then
 * parses them in the host's zone. Every Date the stores return must be the instant stored.
 */
async function roundTrip(url: string, tz: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(path.join(ROOT, "node_modules", ".bin", "tsx"), [SCRIPT, url], {
    cwd: ROOT,
    env: { ...process.env, TZ: tz },
  });
  return JSON.parse(stdout);
}

const CASES = [
  { backend: "PGlite", tz: "Asia/Kolkata" },
  { backend: "PGlite", tz: "America/New_York" },
  ...(process.env.TEST_DATABASE_URL ? [{ backend: "PostgreSQL", tz: "Asia/Kolkata" }] : []),
];

describe.each(CASES)("dates on $backend with TZ=$tz", ({ backend, tz }) => {
  it("come back as the exact instants stored", async () => {
    const fresh = backend === "PostgreSQL" ? await createTestDatabase() : { url: "pglite:memory", drop: async () => undefined };
    let result: unknown;
    try {
      result = await roundTrip(fresh.url, tz);
    } finally {
      await fresh.drop();
    }
    const session = { createdAt: T, lastUsedAt: T, expiresAt: LATER, absoluteExpiresAt: LATER, revokedAt: LATER };
    expect(result).toMatchObject({
      state: { session, user: { createdAt: T } },
      locked: { token: { createdAt: T, expiresAt: LATER, revokedAt: LATER }, session },
      listed: [{ createdAt: T }],
      bySession: session,
    });
  }, 60_000);
});
