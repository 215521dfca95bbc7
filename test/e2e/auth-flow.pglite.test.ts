import { describeAuthFlow } from "./auth-flow";

describeAuthFlow("PGlite (in-memory)", async () => ({ url: "pglite:memory", drop: async () => undefined }));
