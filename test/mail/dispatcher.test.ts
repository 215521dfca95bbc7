import { randomUUID } from "node:crypto";
import { fixedClock } from "../../src/auth/clock";
import type { MailSender, OutgoingMail, RenderedMail } from "../../src/auth/mail";
import { createLogger } from "../../src/logger";
import { MailDispatcher, type MailDispatcherOptions } from "../../src/mail/dispatcher";
import { SmtpSender } from "../../src/mail/smtp-sender";
import { createRenderer } from "../../src/mail/templates";
import { logSink } from "../support/capture";
import { MemoryMailQueue } from "../support/memory/memory-mail-queue";
import { type SmtpCapture, type SmtpCaptureOptions, startSmtpCapture } from "../support/smtp-capture";

const T0 = new Date("2030-01-01T00:00:00.000Z");
const SECOND = 1000;
const TOKEN = "tok_Sup3rS3cretT0ken";

function resetMail(n = 1): OutgoingMail {
  return { kind: "reset-password", to: `user${n}@example.test`, link: `https://app.example.test/reset-password?token=${TOKEN}${n}`, facts: {} };
}

let smtp: SmtpCapture | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

type TestClock = ReturnType<typeof fixedClock>;

async function setUp(options: MailDispatcherOptions = {}, capture: SmtpCaptureOptions = {}, sender?: (clock: TestClock) => MailSender) {
  smtp = await startSmtpCapture({ auth: { user: "mailer", pass: "s3cret" }, ...capture });
  const queue = new MemoryMailQueue();
  const clock = fixedClock(T0);
  const lines: string[] = [];
  const dispatcher = new MailDispatcher(
    {
      queue,
      sender: sender ? sender(clock) : new SmtpSender(smtp.url),
      render: createRenderer(null, "Acme <no-reply@acme.example>"),
      clock,
      logger: createLogger("debug", logSink(lines)),
    },
    options,
  );
  let queued = 0;
  /** Queued a millisecond apart (before now), so they are due in this order. */
  const enqueue = async (mail: OutgoingMail) => {
    const id = randomUUID();
    queued += 1;
    await queue.enqueue(mail, id, new Date(clock.now().getTime() - 1000 + queued));
    return id;
  };
  const row = (id: string) => queue.rows.find((r) => r.id === id);
  const events = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { smtp, queue, clock, lines, events, dispatcher, enqueue, row };
}

describe("MailDispatcher", () => {
  it("sends every due mail, marks it sent (link erased) and logs it without the link", async () => {
    const { smtp, dispatcher, enqueue, row, lines, events } = await setUp({ batchSize: 2 });
    const ids = [await enqueue(resetMail(1)), await enqueue(resetMail(2)), await enqueue(resetMail(3))];
    await dispatcher.runDue();
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(["user1@example.test", "user2@example.test", "user3@example.test"]);
    expect(smtp.messages[0]?.text).toContain(`token=${TOKEN}1`);
    expect(ids.map((id) => [row(id)?.sentAt, row(id)?.link])).toEqual(ids.map(() => [T0, null]));
    const sent = events().filter((e) => e.event === "mail_sent");
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({ level: 30, mailId: ids[0], kind: "reset-password", to: "user1@example.test", attempts: 1 });
    expect(sent[0]?.delivery).toBe(smtp.messages[0]?.headers["message-id"]);
    expect(lines.join("")).not.toContain(TOKEN);
  });

  it("retries after SMTP failures with a doubling backoff, then sends", async () => {
    const { smtp, dispatcher, enqueue, row, clock, lines, events } = await setUp({}, { failFirst: 2 });
    const id = await enqueue(resetMail());
    await dispatcher.runDue();
    expect(row(id)).toMatchObject({ attempts: 1, nextAttemptAt: new Date(T0.getTime() + 30 * SECOND), sentAt: null });
    expect(row(id)?.lastError).toBe("Message failed: 451 Try again later (refused message 1)");
    clock.advance(29 * SECOND);
    await dispatcher.runDue();
    expect(smtp.attempts).toBe(1);
    clock.advance(1 * SECOND);
    await dispatcher.runDue();
    expect(row(id)).toMatchObject({ attempts: 2, nextAttemptAt: new Date(T0.getTime() + 90 * SECOND), sentAt: null });
    clock.advance(60 * SECOND);
    await dispatcher.runDue();
    expect(row(id)).toMatchObject({ attempts: 3, sentAt: new Date(T0.getTime() + 90 * SECOND), link: null });
    expect(smtp.messages).toHaveLength(1);
    expect(events().map((e) => [e.event, e.level])).toEqual([
      ["mail_retry", 40],
      ["mail_retry", 40],
      ["mail_sent", 30],
    ]);
    expect(events()[1]).toMatchObject({ mailId: id, attempts: 2, retryAt: "2030-01-01T00:01:30.000Z", error: expect.stringMatching(/451/) });
    expect(lines.join("")).not.toContain(TOKEN);
  });

  it("gives up after maxAttempts: the link is erased, an error logged, and the mail never tried again", async () => {
    const { smtp, dispatcher, enqueue, row, clock, lines, events } = await setUp({ maxAttempts: 3, backoffBaseMs: SECOND, backoffMaxMs: 2 * SECOND }, { failFirst: 100 });
    const id = await enqueue(resetMail());
    for (let i = 0; i < 5; i += 1) {
      await dispatcher.runDue();
      clock.advance(2 * SECOND);
    }
    expect(smtp.attempts).toBe(3);
    expect(row(id)).toMatchObject({ attempts: 3, link: null, failedAt: new Date(T0.getTime() + 4 * SECOND), sentAt: null });
    expect(events().map((e) => e.event)).toEqual(["mail_retry", "mail_retry", "mail_failed"]);
    expect(events()[2]).toMatchObject({ level: 50, mailId: id, to: "user1@example.test", attempts: 3, error: expect.stringMatching(/451/) });
    expect(lines.join("")).not.toContain(TOKEN);
  });

  it("caps the backoff", async () => {
    const { dispatcher, enqueue, row, clock } = await setUp({ backoffBaseMs: 30 * SECOND, backoffMaxMs: 100 * SECOND }, { failFirst: 100 });
    const id = await enqueue(resetMail());
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      await dispatcher.runDue();
      const next = row(id)?.nextAttemptAt ?? T0;
      waits.push((next.getTime() - clock.now().getTime()) / SECOND);
      clock.set(next);
    }
    expect(waits).toEqual([30, 60, 100, 100]);
  });

  it("sends a mail claimed by a process that crashed once its lease is over", async () => {
    const { smtp, queue, dispatcher, enqueue, row, clock } = await setUp({ leaseMs: 60 * SECOND });
    const id = await enqueue(resetMail());
    // The crashed process: claimed, never sent nor marked.
    expect(await queue.claimDue(T0, new Date(T0.getTime() + 60 * SECOND), 10)).toHaveLength(1);
    clock.advance(59 * SECOND);
    await dispatcher.runDue();
    expect(smtp.messages).toHaveLength(0);
    clock.advance(1 * SECOND);
    await dispatcher.runDue();
    expect(smtp.messages).toHaveLength(1);
    expect(row(id)).toMatchObject({ attempts: 2, link: null });
  });

  it("gives up at once on a mail it cannot render (retrying would not help)", async () => {
    const { smtp, dispatcher, enqueue, row, events } = await setUp();
    const id = await enqueue({ ...resetMail(), kind: "invite" });
    await dispatcher.runDue();
    expect(smtp.attempts).toBe(0);
    expect(row(id)).toMatchObject({ attempts: 1, link: null, lastError: "cannot render: the invite mail needs facts.role" });
    expect(events()).toEqual([expect.objectContaining({ event: "mail_failed", level: 50 })]);
  });

  it("starts no send past half its lease: the rest of the batch waits for the lease to end", async () => {
    const sent: string[] = [];
    // A transport that takes 40 s per mail.
    const slow = (clock: TestClock): MailSender => ({
      send: async (mail: RenderedMail) => {
        sent.push(mail.to);
        clock.advance(40 * SECOND);
        return "ok";
      },
    });
    const { dispatcher, enqueue, clock } = await setUp({ leaseMs: 60 * SECOND }, {}, slow);
    for (const n of [1, 2, 3]) await enqueue(resetMail(n));
    await dispatcher.runDue();
    expect(sent).toEqual(["user1@example.test"]);
    clock.set(new Date(T0.getTime() + 60 * SECOND));
    await dispatcher.runDue();
    expect(sent).toEqual(["user1@example.test", "user2@example.test"]);
  });
});

describe("MailDispatcher runs", () => {
  it("kick() sends soon without being awaited; kicks in a burst share one run", async () => {
    const { smtp, dispatcher, enqueue, queue } = await setUp({ kickDelayMs: 20 });
    const claims = jest.spyOn(queue, "claimDue");
    for (const n of [1, 2, 3]) {
      await enqueue(resetMail(n));
      dispatcher.kick();
    }
    await smtp.waitFor((m) => m.envelope.to[0] === "user3@example.test");
    // Time for a second run, had the burst asked for one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(queue.rows.map((row) => row.link)).toEqual([null, null, null]);
    expect(claims).toHaveBeenCalledTimes(1);
    await dispatcher.stop();
  });

  it("kick() logs a failing queue instead of throwing", async () => {
    const { dispatcher, queue, events } = await setUp({ kickDelayMs: 1 });
    jest.spyOn(queue, "claimDue").mockRejectedValue(new Error("database unavailable"));
    dispatcher.kick();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events()).toEqual([expect.objectContaining({ event: "mail_dispatch_failed", level: 50, err: expect.objectContaining({ message: "database unavailable" }) })]);
    await expect(dispatcher.runDue()).rejects.toThrow("database unavailable");
  });

  it("a run asked for during a run joins it and looks again once it is done", async () => {
    const { smtp, dispatcher, enqueue } = await setUp({}, { delayMs: 100 });
    await enqueue(resetMail(1));
    const first = dispatcher.runDue();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await enqueue(resetMail(2));
    const second = dispatcher.runDue();
    expect(second).toBe(first);
    await second;
    expect(smtp.messages.map((m) => m.envelope.to[0])).toEqual(["user1@example.test", "user2@example.test"]);
  });

  it("stop() waits for the mail being sent, then leaves the rest queued and ignores kicks", async () => {
    const { smtp, dispatcher, enqueue, row } = await setUp({}, { delayMs: 200 });
    const ids = [await enqueue(resetMail(1)), await enqueue(resetMail(2))];
    const run = dispatcher.runDue();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await dispatcher.stop();
    expect(row(ids[0] ?? "")?.sentAt).toEqual(T0);
    await run;
    expect(smtp.messages).toHaveLength(1);
    expect(row(ids[1] ?? "")?.sentAt).toBeNull();
    dispatcher.kick();
    await dispatcher.runDue();
    expect(smtp.messages).toHaveLength(1);
  });

  it("an aborted signal (background jobs stopping) ends the run after the current mail", async () => {
    const { smtp, dispatcher, enqueue, clock } = await setUp({}, { delayMs: 100 });
    for (const n of [1, 2, 3]) await enqueue(resetMail(n));
    const stopping = new AbortController();
    stopping.abort();
    await dispatcher.runDue(stopping.signal);
    expect(smtp.attempts).toBe(0);
    const live = new AbortController();
    const run = dispatcher.runDue(live.signal);
    await new Promise((resolve) => setTimeout(resolve, 30));
    live.abort();
    await run;
    expect(smtp.messages).toHaveLength(1);
    // The rest of the batch stays claimed until its lease ends, then goes out.
    await dispatcher.runDue();
    expect(smtp.messages).toHaveLength(1);
    clock.advance(60 * SECOND);
    await dispatcher.runDue();
    expect(smtp.messages).toHaveLength(3);
  });
});
