import { accountTokenContract } from "./contract/account-token.contract";
import { auditLogContract } from "./contract/audit-log.contract";
import { directRotationContract } from "./contract/direct-rotation.contract";
import { firstSessionContract } from "./contract/first-session.contract";
import { optimisticRotationContract } from "./contract/optimistic-rotation.contract";
import { passwordChangeContract } from "./contract/password-change.contract";
import { retentionContract } from "./contract/retention.contract";
import { rotationContract } from "./contract/rotation.contract";
import { sessionStoreContract } from "./contract/session-store.contract";
import type { StoreHarness } from "./contract/fixtures";
import { userStoreContract } from "./contract/user-store.contract";

export type { StoreHarness } from "./contract/fixtures";

/**
 * The one behavioural contract for UserStore + SessionStore (+ AuditLog, RetentionStore, AccountTokenStore). Every implementation runs it; the
 * auth core relies on nothing these tests do not pin down.
 */
export function describeStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`store contract: ${name}`, () => {
    let harness: StoreHarness | undefined;

    beforeAll(async () => {
      harness = await open();
    });

    afterAll(async () => {
      await harness?.close();
    });

    const stores = (): StoreHarness => {
      if (!harness) throw new Error("store harness failed to open; see the beforeAll error");
      return harness;
    };

    userStoreContract(stores);
    firstSessionContract(stores);
    sessionStoreContract(stores);
    rotationContract(stores);
    optimisticRotationContract(stores);
    directRotationContract(stores);
    passwordChangeContract(stores);
    retentionContract(stores);
    auditLogContract(stores);
    accountTokenContract(stores);
  });
}
