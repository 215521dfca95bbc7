import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { describeCredentialRaces } from "./credential-races";

describeWithPostgres("credential races on PostgreSQL", () => {
  describeCredentialRaces("PostgreSQL", () => createTestDatabase());
});
