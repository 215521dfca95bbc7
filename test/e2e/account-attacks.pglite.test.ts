import { accountAttacks } from "./account-attacks";

accountAttacks("PGlite", async () => ({ url: "pglite:memory" }));
