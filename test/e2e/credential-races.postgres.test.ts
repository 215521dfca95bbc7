import { createTestDatabase } from "../support/postgres";
import { describeCredentialRaces } from "./credential-races";

if (process.env.TEST_DATABASE_URL) {
  describeCredentialRaces("PostgreSQL", () => createTestDatabase());
} else {
  describe.skip("credential races on PostgreSQL: SKIPPED, set TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres to run", () => {
    it.skip("needs TEST_DATABASE_URL", () => undefined);
  });
}
