import { createTestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { describeProjectsModule } from "./extending-projects";

describeWithPostgres("the projects example module on PostgreSQL", () => {
  describeProjectsModule("PostgreSQL", () => createTestDatabase());
});
