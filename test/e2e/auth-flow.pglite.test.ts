import { describeAuthFlow } from "./auth-flow";

// The embedded database with what a new deployment gets: ES256 keys kept in the database.
describeAuthFlow("PGlite (in-memory)", async () => ({ url: "pglite:memory", drop: async () => undefined }), "ES256");
