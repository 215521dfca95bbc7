import { describeMixedRevocations } from "./mixed-revocations";

describeMixedRevocations("PGlite (in-memory)", async () => ({ url: "pglite:memory", drop: async () => undefined }));
