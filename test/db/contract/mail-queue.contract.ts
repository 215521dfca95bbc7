import { randomUUID } from "node:crypto";
import type { MailQueue, OutgoingMail } from "../../../src/auth/mail";
import { at, T0 } from "./fixtures";

/** What a test may see of a row beyond the port: whether the live link is still stored. */
export interface OutboxState {
  link: string | null;
  attempts: number;
  nextAttemptAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
}

export interface MailQueueHarness {
  queue: MailQueue;
  peek(id: string): Promise<OutboxState | null>;
  close(): Promise<void>;
}

const LEASE_MINUTES = 1;

function resetMail(n: number): OutgoingMail {
  return { kind: "reset-password", to: `user${n}@example.test`, link: `https://app.example.test/reset?token=t${n}`, facts: {} };
}

/**
 * The contract the dispatcher relies on. claimDue takes every due row of the table, so each test
 * starts from an empty outbox.
 */
export function mailQueueContract(name: string, open: () => Promise<MailQueueHarness>): void {
  describe(`mail queue contract: ${name}`, () => {
    let harness: MailQueueHarness | undefined;
    beforeEach(async () => {
      harness = await open();
    });
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    const h = (): MailQueueHarness => {
      if (!harness) throw new Error("mail queue failed to open; see the beforeEach error");
      return harness;
    };
    const claim = (minute: number, limit = 10) => h().queue.claimDue(at(minute), at(minute + LEASE_MINUTES), limit);

    leases(h, claim);
    outcomes(h, claim);
  });
}

type Claim = (minute: number, limit?: number) => ReturnType<MailQueue["claimDue"]>;

function leases(h: () => MailQueueHarness, claim: Claim): void {
  it("gives a queued mail back whole, its attempt counted, and not again before its lease ends", async () => {
    const id = randomUUID();
    const invite: OutgoingMail = { kind: "invite", to: "ada@example.test", link: "https://app.example.test/invite?token=x", facts: { role: "ADMIN" } };
    await h().queue.enqueue(invite, id, T0);
    expect(await h().queue.claimDue(at(-1), at(0), 10)).toEqual([]);
    expect(await claim(0)).toEqual([{ ...invite, id, attempts: 1, createdAt: T0 }]);
    expect(await h().peek(id)).toMatchObject({ attempts: 1, nextAttemptAt: at(LEASE_MINUTES), sentAt: null });
    expect(await claim(0.5)).toEqual([]);
    // A claimer that died mid-send: the mail comes back once the lease is over.
    expect(await claim(LEASE_MINUTES)).toEqual([{ ...invite, id, attempts: 2, createdAt: T0 }]);
  });

  it("claims the oldest first, at most `limit`, and nothing with a limit of 0", async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    // Queued out of order: created at minutes -1, -3, -2.
    await h().queue.enqueue(resetMail(1), ids[0] ?? "", at(-1));
    await h().queue.enqueue(resetMail(3), ids[1] ?? "", at(-3));
    await h().queue.enqueue(resetMail(2), ids[2] ?? "", at(-2));
    expect(await claim(0, 0)).toEqual([]);
    expect((await claim(0, 2)).map((m) => m.to)).toEqual(["user3@example.test", "user2@example.test"]);
    expect((await claim(0, 2)).map((m) => m.to)).toEqual(["user1@example.test"]);
  });

  it("keeps a mail due later out of a claim until its time", async () => {
    const id = randomUUID();
    await h().queue.enqueue(resetMail(1), id, at(5));
    expect(await claim(4)).toEqual([]);
    expect((await claim(5)).map((m) => m.id)).toEqual([id]);
  });
}

function outcomes(h: () => MailQueueHarness, claim: Claim): void {
  it("markSent erases the link and the mail is never claimed again", async () => {
    const id = randomUUID();
    await h().queue.enqueue(resetMail(1), id, T0);
    await claim(0);
    await h().queue.markSent(id, at(0.1));
    expect(await h().peek(id)).toMatchObject({ link: null, sentAt: at(0.1), failedAt: null });
    expect(await claim(60)).toEqual([]);
  });

  it("markFailed with a retry time keeps the link and the mail comes back then, not before", async () => {
    const id = randomUUID();
    await h().queue.enqueue(resetMail(1), id, T0);
    await claim(0);
    await h().queue.markFailed(id, at(0.1), "451 try later", at(10));
    expect(await h().peek(id)).toMatchObject({ link: resetMail(1).link, lastError: "451 try later", nextAttemptAt: at(10), failedAt: null });
    expect(await claim(9)).toEqual([]);
    expect(await claim(10)).toEqual([expect.objectContaining({ id, attempts: 2, link: resetMail(1).link })]);
  });

  it("markFailed without a retry time gives up: the link is erased and the mail never claimed again", async () => {
    const id = randomUUID();
    await h().queue.enqueue(resetMail(1), id, T0);
    await claim(0);
    await h().queue.markFailed(id, at(0.1), "550 no such user", null);
    expect(await h().peek(id)).toMatchObject({ link: null, failedAt: at(0.1), sentAt: null, lastError: "550 no such user" });
    expect(await claim(60 * 24)).toEqual([]);
  });

  it("a late failure from a claimer whose lease ran out does not undo a send", async () => {
    const id = randomUUID();
    await h().queue.enqueue(resetMail(1), id, T0);
    await claim(0);
    await claim(LEASE_MINUTES);
    await h().queue.markSent(id, at(1.1));
    await h().queue.markFailed(id, at(1.2), "timeout", at(5));
    await h().queue.markFailed(id, at(1.3), "timeout", null);
    expect(await h().peek(id)).toMatchObject({ link: null, sentAt: at(1.1), failedAt: null, lastError: null, nextAttemptAt: at(1 + LEASE_MINUTES) });
    expect(await claim(60)).toEqual([]);
  });
}
