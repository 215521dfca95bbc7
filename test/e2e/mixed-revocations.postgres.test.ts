import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { describeMixedRevocations } from "./mixed-revocations";

describeWithPostgres("mixed revocations on PostgreSQL", () => {
  describeMixedRevocations("PostgreSQL", () => createTestDatabase());
});
