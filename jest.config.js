/**
 * Long attack suites (fuzzing, brute force, concurrent floods) run in their own step,
 * `npm run test:slow` (CI runs it after `npm test`), so `npm test` stays near 10 minutes.
 */
const SLOW_SUITES = [
  "<rootDir>/test/e2e/fuzz.test.ts",
  "<rootDir>/test/e2e/brute-force.test.ts",
  "<rootDir>/test/e2e/account-attacks.pglite.test.ts",
  "<rootDir>/test/e2e/account-attacks.postgres.test.ts",
];
const slowOnly = process.env.TEST_SUITES === "slow";

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: slowOnly ? SLOW_SUITES : ["**/*.test.ts"],
  testPathIgnorePatterns: slowOnly ? ["/node_modules/"] : ["/node_modules/", ...SLOW_SUITES.map((path) => path.replace("<rootDir>", "").replace(/\./g, "\\.") + "$")],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testTimeout: 60000,
  // Two cores: e2e suites each run a server with argon2 and a database.
  maxWorkers: 2,
};
