import { describeWithPostgres } from "../support/services";
import { describeCrossInstanceEvents, postgresListeners } from "./cross-instance-events";

describeWithPostgres("security events between two instances over PostgreSQL NOTIFY", () => {
  describeCrossInstanceEvents(() => ({}), postgresListeners);
});
