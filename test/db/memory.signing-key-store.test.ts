import { MemorySigningKeyStore } from "../support/memory-stores";
import { signingKeyStoreContract } from "./contract/signing-key-store.contract";

// The fake the life-cycle tests use must honour the same contract as the Prisma adapter.
signingKeyStoreContract("in memory (test/support/memory-stores.ts)", async () => ({
  store: new MemorySigningKeyStore(),
  close: async () => undefined,
}));
