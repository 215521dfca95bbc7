import { describeWithPostgres } from "../support/services";
import { describeWebSocketsAcrossInstances } from "./websocket-cross-instance";

describeWithPostgres("websockets held to sessions changed on another instance (PostgreSQL NOTIFY)", () => {
  describeWebSocketsAcrossInstances(() => ({}));
});
