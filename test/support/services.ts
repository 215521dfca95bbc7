import path from "node:path";
import { findPostgresBin } from "./own-postgres";

/**
 * Suites that need a service a developer may not run. Without it the suite's real tests are
 * registered as skipped (so jest counts them) under a title that says why, and one warning line
 * names the variable to set and the command to run. Under CI a missing service fails the run
 * instead: a pipeline that lost its database must not go green by skipping.
 */

const POSTGRES_EXAMPLE = "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_EXAMPLE = "redis://127.0.0.1:6379";

interface Requirement {
  /** Why the suite cannot run here, e.g. "TEST_DATABASE_URL is not set". */
  missing: string;
  /** What the developer does about it: an environment variable or an install. */
  fix: string;
}

function thisTestFile(): string {
  const testPath = expect.getState().testPath;
  return testPath ? path.relative(process.cwd(), testPath) : "<this test file>";
}

function describeRequiring(title: string, requirement: Requirement | null, suite: () => void): void {
  if (requirement === null) {
    describe(title, suite);
    return;
  }
  const why = `${requirement.missing}; to run it: ${requirement.fix} -- ${thisTestFile()}`;
  if (["true", "1"].includes(process.env.CI ?? "")) {
    describe(title, () => {
      it(`cannot run: ${requirement.missing} (CI must provide it, not skip)`, () => {
        throw new Error(`${title}: ${why}`);
      });
    });
    return;
  }
  // Straight to stderr, not console.warn: jest drops the console output of a file whose every
  // test is skipped, which is exactly the file that most needs to say why.
  process.stderr.write(`\nSKIPPED "${title}": ${why}\n\n`);
  describe.skip(`${title} [SKIPPED: ${requirement.missing}]`, suite);
}

/** The Redis server for the shared rate-limit store; only call it inside a suite. */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error(`TEST_REDIS_URL is not set, e.g. ${REDIS_EXAMPLE}`);
  return url;
}

/** A suite that needs the PostgreSQL server named by TEST_DATABASE_URL. */
export function describeWithPostgres(title: string, suite: () => void): void {
  const requirement = process.env.TEST_DATABASE_URL
    ? null
    : { missing: "TEST_DATABASE_URL is not set", fix: `TEST_DATABASE_URL=${POSTGRES_EXAMPLE} npm test` };
  describeRequiring(title, requirement, suite);
}

/** A suite that needs the Redis server named by TEST_REDIS_URL. */
export function describeWithRedis(title: string, suite: () => void): void {
  const requirement = process.env.TEST_REDIS_URL
    ? null
    : { missing: "TEST_REDIS_URL is not set", fix: `TEST_REDIS_URL=${REDIS_EXAMPLE} npm test` };
  describeRequiring(title, requirement, suite);
}

/** A suite that starts and stops its own PostgreSQL cluster, so it needs the server binaries. */
export function describeWithPostgresBinaries(title: string, suite: (bin: string) => void): void {
  const bin = findPostgresBin();
  const requirement = bin
    ? null
    : { missing: "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql", fix: "apt-get install postgresql, then npm test" };
  // Skipped suites are still collected, never run: the placeholder bin is never used.
  describeRequiring(title, requirement, () => suite(bin ?? ""));
}
