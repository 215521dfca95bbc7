import { HibpBreachCheck } from "../../src/breach";
import { type RangeServer, sha1Hex, startRangeServer } from "../support/range-server";

const BREACHED = "Tr0ub4dor&3";
const PADDED = "clean but listed as padding";
const CLEAN = "correct horse battery";

function recordingLogger() {
  const warnings: Array<{ fields: object; message: string }> = [];
  const logger = { info: () => undefined, error: () => undefined, warn: (fields: object, message: string) => warnings.push({ fields, message }) };
  return { logger, warnings };
}

/** No password, SHA-1, suffix or even prefix in what was logged. */
function expectNothingSecret(logged: unknown, password: string) {
  const text = JSON.stringify(logged);
  const hash = sha1Hex(password);
  for (const secret of [password, hash, hash.slice(5), hash.slice(0, 5), hash.toLowerCase().slice(0, 5)]) expect(text).not.toContain(secret);
}

describe("HibpBreachCheck against a local range API", () => {
  let range: RangeServer;
  beforeAll(async () => {
    range = await startRangeServer({ [BREACHED]: 52_256 }, [PADDED]);
  });
  afterAll(async () => range?.close());
  beforeEach(() => {
    range.mode = "ok";
    range.requests.length = 0;
  });

  it("finds a breached password and passes a clean one, padding (count 0) included", async () => {
    const { logger, warnings } = recordingLogger();
    const check = new HibpBreachCheck({ apiUrl: range.url, logger });
    await expect(check.isBreached(BREACHED)).resolves.toBe(true);
    await expect(check.isBreached(CLEAN)).resolves.toBe(false);
    await expect(check.isBreached(PADDED)).resolves.toBe(false);
    expect(warnings).toEqual([]);
  });

  it("sends only the 5-character SHA-1 prefix, upper-case, and asks for padding", async () => {
    const check = new HibpBreachCheck({ apiUrl: range.url, logger: recordingLogger().logger });
    await check.isBreached(BREACHED);
    expect(range.requests).toHaveLength(1);
    const [request] = range.requests;
    expect(request).toMatchObject({ method: "GET", path: `/range/${sha1Hex(BREACHED).slice(0, 5)}` });
    expect(request?.path).toMatch(/^\/range\/[0-9A-F]{5}$/);
    expect(request?.headers["add-padding"]).toBe("true");
    const sent = JSON.stringify(request);
    expect(sent).not.toContain(sha1Hex(BREACHED).slice(5));
    expect(sent).not.toContain(BREACHED);
  });

  it("fails open, with a warning that holds nothing secret, when the API answers 500", async () => {
    range.mode = "error";
    const { logger, warnings } = recordingLogger();
    await expect(new HibpBreachCheck({ apiUrl: range.url, logger }).isBreached(BREACHED)).resolves.toBe(false);
    expect(warnings).toEqual([{ fields: expect.objectContaining({ event: "breach_check_unavailable", cause: "status", status: 500 }), message: expect.any(String) }]);
    expectNothingSecret(warnings, BREACHED);
  });

  it("fails open, with a warning, when the API is slower than the timeout", async () => {
    range.mode = "hang";
    const { logger, warnings } = recordingLogger();
    await expect(new HibpBreachCheck({ apiUrl: range.url, logger, timeoutMs: 200 }).isBreached(BREACHED)).resolves.toBe(false);
    expect(warnings).toEqual([{ fields: expect.objectContaining({ cause: "timeout" }), message: expect.any(String) }]);
    expectNothingSecret(warnings, BREACHED);
   }, 10_000);

  it("fails open, with a warning, when nothing listens", async () => {
    const closed = await startRangeServer({});
    await closed.close();
    const { logger, warnings } = recordingLogger();
    await expect(new HibpBreachCheck({ apiUrl: closed.url, logger }).isBreached(BREACHED)).resolves.toBe(false);
    expect(warnings).toEqual([{ fields: expect.objectContaining({ cause: "network", error: "ECONNREFUSED" }), message: expect.any(String) }]);
    expectNothingSecret(warnings, BREACHED);
  });

  it("fails open, with a warning, on an answer far larger than a range", async () => {
    range.mode = "huge";
    const { logger, warnings } = recordingLogger();
    await expect(new HibpBreachCheck({ apiUrl: range.url, logger }).isBreached(BREACHED)).resolves.toBe(false);
    expect(warnings).toEqual([{ fields: expect.objectContaining({ cause: "oversized" }), message: expect.any(String) }]);
  });

  it("checks 50 passwords at once", async () => {
    const check = new HibpBreachCheck({ apiUrl: range.url, logger: recordingLogger().logger });
    const passwords = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? BREACHED : `${CLEAN} ${i}`));
    const results = await Promise.all(passwords.map((p) => check.isBreached(p)));
    expect(results).toEqual(passwords.map((p) => p === BREACHED));
  });
});
