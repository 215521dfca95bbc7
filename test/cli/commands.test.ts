import { AUDIT_EVENT_TYPES, type SigningKeyView } from "../../src/auth";
import { CLI_ACTOR } from "../../src/cli/context";
import { runCli } from "../../src/cli/program";
import { MemoryAuditEvents } from "./audit-events";
import { fakeContext } from "./fake-context";

const T = Date.parse("2030-01-01T00:00:00Z");
/** Every row is as wide as the longest type, so rows printed later by --follow line up. */
const TYPE_WIDTH = Math.max(...AUDIT_EVENT_TYPES.map((type) => type.length));
const KEY: SigningKeyView = {
  kid: "kid-1",
  algorithm: "ES256",
  state: "CURRENT",
  createdAt: new Date(T),
  activatedAt: new Date(T),
  promotableAt: null,
  retiresAt: null,
  revokedAt: null,
} as SigningKeyView;

describe("keys", () => {
  function keysCore() {
    const calls = { revoke: [] as unknown[][], closed: 0 };
    const core = {
      auth: { keys: { algorithm: "ES256", list: async () => [KEY], revoke: async (...args: unknown[]) => (calls.revoke.push(args), true) } },
      close: async () => void (calls.closed += 1),
    };
    return { core, calls };
  }

  it("list --json prints the keys as a JSON array; list prints a table", async () => {
    const { core, calls } = keysCore();
    const json = fakeContext({ core });
    expect(await runCli(["keys", "list", "--json"], json.ctx)).toBe(0);
    expect(JSON.parse(json.stdout())).toEqual([JSON.parse(JSON.stringify(KEY))]);
    const human = fakeContext({ core });
    expect(await runCli(["keys", "list"], human.ctx)).toBe(0);
    expect(human.stdout()).toBe(
      "STATE    ALG    KID    CREATED\nCURRENT  ES256  kid-1  2030-01-01T00:00:00.000Z  signing since 2030-01-01T00:00:00.000Z\n",
    );
    expect(calls.closed).toBe(2);
  });

  it("revoke <kid> acts as the CLI in the audit trail", async () => {
    const { core, calls } = keysCore();
    const fake = fakeContext({ core });
    expect(await runCli(["keys", "revoke", "kid-1"], fake.ctx)).toBe(0);
    expect(calls.revoke).toEqual([["kid-1", CLI_ACTOR]]);
    expect(fake.stdout()).toBe("Revoked kid-1: its tokens are refused from now on.\n");
  });

  it("closes the core when the command fails", async () => {
    let closed = 0;
    const core = { auth: { keys: { list: () => Promise.reject(new Error("boom")) } }, close: async () => void (closed += 1) };
    const fake = fakeContext({ core });
    expect(await runCli(["keys", "list"], fake.ctx)).toBe(1);
    expect(fake.stderr()).toBe("Failed: boom\n");
    expect(closed).toBe(1);
  });
});

describe("audit tail", () => {
  function auditCore(log: MemoryAuditEvents) {
    return { auth: { admin: { auditEvents: log.list } } };
  }

  it("prints the latest events oldest first, of one type (any case), as a table or a JSON array", async () => {
    const log = new MemoryAuditEvents();
    log.add("login_failed", T, { email: "a@example.com" });
    log.add("signup", T + 1);
    const second = log.add("login_failed", T + 2);
    const human = fakeContext({ core: auditCore(log) });
    expect(await runCli(["audit", "tail", "--type", "LOGIN_FAILED"], human.ctx)).toBe(0);
    expect(log.calls).toEqual([{ first: 20, type: "login_failed", userId: null }]);
    expect(human.stdout().split("\n")).toEqual([
      `CREATED                   ${"TYPE".padEnd(TYPE_WIDTH)}  USER                                  IP               DETAIL`,
      `2030-01-01T00:00:00.000Z  ${"login_failed".padEnd(TYPE_WIDTH)}  -                                     -                email=a@example.com`,
      `2030-01-01T00:00:00.002Z  ${"login_failed".padEnd(TYPE_WIDTH)}  -                                     -`,
      "",
    ]);
    const json = fakeContext({ core: auditCore(log) });
    expect(await runCli(["audit", "tail", "--limit", "2", "--json"], json.ctx)).toBe(0);
    expect((JSON.parse(json.stdout()) as Array<{ id: string }>).map((e) => e.id)).toEqual([log.events[1]?.id, second.id]);
  });

  it("says so when there is nothing", async () => {
    const fake = fakeContext({ core: auditCore(new MemoryAuditEvents()) });
    expect(await runCli(["audit", "tail", "--type", "signup"], fake.ctx)).toBe(0);
    expect(fake.stdout()).toBe("No audit events.\n");
  });

  it("--user takes an id or an email and shows only that account's events", async () => {
    const log = new MemoryAuditEvents();
    const alice = "00000000-0000-4000-8000-00000000000a";
    log.add("signup", T, null, alice);
    log.add("signup", T + 1, null, "00000000-0000-4000-8000-00000000000b");
    const findUser = async (idOrEmail: string) => (idOrEmail === "alice@example.com" ? { id: alice } : null);
    const core = { auth: { admin: { auditEvents: log.list, findUser } } };
    const fake = fakeContext({ core });
    expect(await runCli(["audit", "tail", "--user", "alice@example.com", "--json"], fake.ctx)).toBe(0);
    expect((JSON.parse(fake.stdout()) as Array<{ userId: string }>).map((e) => e.userId)).toEqual([alice]);
    const unknown = fakeContext({ core });
    expect(await runCli(["audit", "tail", "--user", "bob@example.com"], unknown.ctx)).toBe(1);
    expect(unknown.stderr()).toBe('Refused: No user has the id or email "bob@example.com".\n');
  });

  it("--follow --json prints one event per line as they come, until interrupted, then exits 0 and closes the core", async () => {
    const log = new MemoryAuditEvents();
    const old = log.add("signup", T);
    let closed = 0;
    const fake = fakeContext({ core: { ...auditCore(log), close: async () => void (closed += 1) } });
    const running = runCli(["audit", "tail", "--follow", "--json"], fake.ctx);
    await waitFor(() => fake.stdout().includes(old.id));
    const fresh = log.add("login_failed", T + 1_000);
    await waitFor(() => fake.stdout().includes(fresh.id));
    fake.interrupt();
    expect(await running).toBe(0);
    expect(fake.stdout().trim().split("\n").map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([old.id, fresh.id]);
    expect(closed).toBe(1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
