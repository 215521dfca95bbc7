/**
 * Suites run in three groups, so `npm test` (the README's test command) stays near 10 minutes:
 * - default: everything below test/ except the two groups that follow;
 * - `npm run test:slow` (TEST_SUITES=slow): long attack suites (fuzzing, brute force, floods,
 *   concurrent credential races, websocket attacks) and the suites that build or pack the package
 *   and run it as separate processes (the CLI, the packed verifier kit, two servers on one PGlite directory);
 * - `npm run test:browser` (TEST_SUITES=browser): test/browser/, in Debian's headless Chromium.
 * CI (.ci/run) runs all three.
 */
const SLOW_SUITES = [
  "<rootDir>/test/e2e/fuzz.test.ts",
  "<rootDir>/test/e2e/brute-force.test.ts",
  "<rootDir>/test/e2e/account-attacks.pglite.test.ts",
  "<rootDir>/test/e2e/account-attacks.postgres.test.ts",
  "<rootDir>/test/e2e/credential-races.pglite.test.ts",
  "<rootDir>/test/e2e/credential-races.postgres.test.ts",
  "<rootDir>/test/e2e/websocket-attacks.pglite.test.ts",
  "<rootDir>/test/e2e/websocket-attacks.postgres.test.ts",
  // Suites that build or pack the package and run it as separate processes.
  "<rootDir>/test/e2e/cli.test.ts",
  "<rootDir>/test/e2e/keys-cli.test.ts",
  "<rootDir>/test/build/build-if-stale.test.ts",
  "<rootDir>/test/verifier/packed-kit.test.ts",
  "<rootDir>/test/e2e/embedded-lock.test.ts",
];
const BROWSER_SUITES = ["<rootDir>/test/browser/**/*.test.ts"];
const group = process.env.TEST_SUITES ?? "default";
if (!["default", "slow", "browser"].includes(group)) throw new Error(`TEST_SUITES=${group}: expected slow or browser`);

const asIgnorePattern = (path) => path.replace("<rootDir>", "").replace(/\./g, "\\.").replace("/**/*", "/.*") + "$";

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: group === "slow" ? SLOW_SUITES : group === "browser" ? BROWSER_SUITES : ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", ...(group === "default" ? [...SLOW_SUITES, ...BROWSER_SUITES].map(asIgnorePattern) : [])],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testTimeout: 60000,
  // Two cores: e2e suites each run a server with argon2 and a database.
  maxWorkers: 2,
};
