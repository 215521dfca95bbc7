import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { describeWithPostgres } from "../support/services";
import { describeWebSocketShutdown, describeWebSocketTransport } from "./websocket";

describeWithPostgres("GraphQL over websockets (graphql-transport-ws on /graphql), PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());
  describeWebSocketTransport(() => db.url);
  describe("shutdown", () => describeWebSocketShutdown(() => db.url));
});
