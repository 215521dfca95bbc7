import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeAccounts } from "./accounts";

describeAccounts("PGlite", async ({ durable = false } = {}) => {
  if (!durable) return { url: "pglite:memory", drop: async () => undefined };
  const root = mkdtempSync(join(tmpdir(), "accounts-e2e-"));
  return { url: `pglite:${join(root, "pglite")}`, drop: async () => rmSync(root, { recursive: true, force: true }) };
});
