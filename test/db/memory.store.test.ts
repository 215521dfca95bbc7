import { memoryStores } from "../support/memory-stores";
import { memoryOutboxProbe } from "./contract/outbox-probe";
import { describeStoreContract } from "./store-contract";

// The unit-test fakes must honour the same contract as the Prisma adapters.
describeStoreContract("in-memory fakes (test/support/memory-stores.ts)", async () => {
  const stores = memoryStores();
  return { ...stores, queuedMail: memoryOutboxProbe(stores.accountTokens), close: async () => undefined };
});
