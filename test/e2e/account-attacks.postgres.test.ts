import { describeWithPostgres } from "../support/services";
import { accountAttacks, postgresDatabase } from "./account-attacks";

describeWithPostgres("account attacks on PostgreSQL", () => {
  accountAttacks("PostgreSQL", postgresDatabase);
});
