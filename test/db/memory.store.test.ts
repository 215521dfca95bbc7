import { memoryStores } from "../support/memory-stores";
import { describeStoreContract } from "./store-contract";

// The unit-test fakes must honour the same contract as the Prisma adapters.
describeStoreContract("in-memory fakes (test/support/memory-stores.ts)", async () => ({
  ...memoryStores(),
  close: async () => undefined,
}));
