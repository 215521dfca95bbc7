import { createTestDatabase } from "../support/postgres";
import { describeAuthFlow } from "./auth-flow";

if (process.env.TEST_DATABASE_URL) {
  describeAuthFlow("PostgreSQL", () => createTestDatabase());
} else {
  // .ci/run always sets TEST_DATABASE_URL; locally: TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres
  describe.skip("auth flow over HTTP on PostgreSQL (set TEST_DATABASE_URL to run)", () => {
    it("needs TEST_DATABASE_URL", () => undefined);
  });
}
