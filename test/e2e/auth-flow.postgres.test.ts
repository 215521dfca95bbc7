import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { describeAuthFlow } from "./auth-flow";

describeWithPostgres("auth flow over HTTP on PostgreSQL", () => {
  describeAuthFlow("PostgreSQL", () => createTestDatabase());
});
