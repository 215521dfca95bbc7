import { randomBytes, randomUUID } from "node:crypto";
import { TokenIssuer } from "../../src/auth/token-issuer";
import type { UserRecord } from "../../src/auth/types";
import { CLIENT } from "../support/auth-fixture";

const USER: UserRecord = { id: randomUUID(), email: "ada@example.com", role: "USER", credentialVersion: 0, createdAt: new Date(0), emailVerified: true, disabled: false };

/** A TokenIssuer whose session write is held open until `settle` is called. */
function issuer(sign: () => { token: string; expiresAt: Date }) {
  let settle: (created: boolean | Error) => void = () => undefined;
  const order: string[] = [];
  /** Handlers attached to the write's promise by an explicit then/catch (an await attaches none here). */
  const handlers = { count: 0 };
  const notified: string[] = [];
  const deps = {
    sessions: {
      create: () => {
        order.push("create");
        // As pg's pool does: the connection is handed out, and the statement sent, turns later.
        void Promise.resolve()
          .then(() => new Promise<void>((resolve) => process.nextTick(resolve)))
          .then(() => order.push("sent"));
        const written = new Promise<boolean>((resolve, reject) => {
          settle = (created) => (created instanceof Error ? reject(created) : resolve(created));
        });
        const then = written.then.bind(written);
        written.then = ((...args: Parameters<typeof then>) => {
          handlers.count++;
          return then(...args);
        }) as typeof written.then;
        return written;
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
  return { tokens, settle: (created: boolean | Error) => settle(created), order, notified, handlers };
}

const signed = () => ({ token: "access", expiresAt: new Date(61_000) });

describe("TokenIssuer.startSession", () => {
  it("signs once the driver has sent the statement (turns after create), while it is written, and answers only once it is", async () => {
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

  it("handles the write's failure from the start: the signing waits a turn before anything awaits the write", async () => {
    const t = issuer(signed);
    const outcome = t.tokens.startSession(USER, CLIENT).then(
      () => null,
      (error: unknown) => error,
    );
    // startSession has returned at its first await: a rejection now must already have a handler.
    expect(t.handlers.count).toBeGreaterThan(0);
    t.settle(new Error("database down"));
    expect(await outcome).toEqual(new Error("database down"));
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
