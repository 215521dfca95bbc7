import { describeCredentialRaces } from "./credential-races";

describeCredentialRaces("PGlite (in-memory)", async () => ({ url: "pglite:memory", drop: async () => undefined }));
