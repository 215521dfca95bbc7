import { randomBytes, randomUUID } from "node:crypto";
import { TokenIssuer } from "../../src/auth/token-issuer";
import type { UserRecord } from "../../src/auth/types";
import { CLIENT } from "../support/auth-fixture";

const USER: UserRecord = { id: randomUUID(), email: "ada@example.com", role: "USER", credentialVersion: 0, createdAt: new Date(0), emailVerified: true, disabled: false };

/** A TokenIssuer whose session write is held open until `settle` is called. */
function issuer(sign: () => { token: string; expiresAt: Date }) {
  let settle: (created: boolean | Error) => void = () => undefined;
  const order: string[] = [];
  const notified: string[] = [];
  const deps = {
    sessions: {
      create: () => {
        order.push("create");
        // As pg's pool does: the connection is handed out, and the statement sent, turns later.
        void Promise.resolve()
          .then(() => new Promise<void>((resolve) => process.nextTick(resolve)))
          .then(() => order.push("sent"));
        return new Promise<boolean>((resolve, reject) => {
          settle = (created) => (created instanceof Error ? reject(created) : resolve(created));
        });
      },
    },
    accessTokens: {
      issue: () => {
        order.push("sign");
        return sign();
      },
    },
    notify: { sessionCreated: (_u: string, sessionId: string) => notified.push(sessionId) },
    clock: { now: () => new Date(1_000) },
    randomBytes,
    newId: randomUUID,
    policy: { refreshTokenTtlMs: 60_000, sessionMaxAgeMs: 120_000, reuseGraceMs: 0 },
    auditor: { event: () => ({ id: randomUUID() }) },
  };
  const tokens = new TokenIssuer(deps as unknown as ConstructorParameters<typeof TokenIssuer>[0]);
  return { tokens, settle: (created: boolean | Error) => settle(created), order, notified };
}

const signed = () => ({ token: "access", expiresAt: new Date(61_000) });

describe("TokenIssuer.startSession", () => {
  it("signs while the session is being written, and answers only once it is", async () => {
    const t = issuer(signed);
    let answered = false;
    const started = t.tokens.startSession(USER, CLIENT, "login_succeeded").then((pair) => {
      answered = true;
      return pair;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.order).toEqual(["create", "sent", "sign"]);
    expect(answered).toBe(false);
    t.settle(true);
    expect((await started)?.accessToken).toBe("access");
    expect(t.notified).toHaveLength(1);
  });

  it("signs only once a driver that sends a few promise turns later has sent the statement", async () => {
    const t = issuer(signed);
    const started = t.tokens.startSession(USER, CLIENT);
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.order).toEqual(["create", "sent", "sign"]);
    t.settle(true);
    expect(await started).not.toBeNull();
  });

  it("a write that fails while the signing waits its turn is the error, and never unhandled", async () => {
    const t = issuer(signed);
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", listener);
    try {
      const outcome = t.tokens.startSession(USER, CLIENT).then(
        () => null,
        (error: unknown) => error,
      );
      t.settle(new Error("database down"));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(await outcome).toEqual(new Error("database down"));
    } finally {
      process.off("unhandledRejection", listener);
    }
  });

  it("drops the signed pair when the session was not written", async () => {
    const t = issuer(signed);
    const started = t.tokens.startSession(USER, CLIENT);
    t.settle(false);
    expect(await started).toBeNull();
    expect(t.notified).toEqual([]);
  });

  it("a failed write is the error, whatever was signed", async () => {
    const t = issuer(signed);
    const started = t.tokens.startSession(USER, CLIENT);
    t.settle(new Error("database down"));
    await expect(started).rejects.toThrow("database down");
  });

  it("a failed signing is the error, after the write settled (no unhandled rejection)", async () => {
    const t = issuer(() => {
      throw new Error("no signing key");
    });
    const started = t.tokens.startSession(USER, CLIENT);
    t.settle(new Error("database down too"));
    await expect(started).rejects.toThrow("no signing key");
    expect(t.notified).toEqual([]);
  });
});
