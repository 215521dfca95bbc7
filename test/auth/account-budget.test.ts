import { authFixture, CLIENT, rejection } from "../support/auth-fixture";

const PASSWORD = "correct horse battery";
const WINDOW = 900;
const from = (n: number) => ({ ...CLIENT, ip: `198.51.100.${n}` });

describe("per-account failure budget (every address together)", () => {
  const limits = { login_failures: { points: 1000, windowSeconds: WINDOW }, login_account: { points: 20, windowSeconds: WINDOW } };
  const login = (fx: ReturnType<typeof authFixture>, password: string, client = CLIENT, email = "ada@example.com") =>
    fx.auth.accounts.login({ email, password }, client);

  it("20 failures from 20 addresses throttle the account for everyone, with retryAfter, until the window passes", async () => {
    // The limiter's windows run on real time (it is the store's clock, not the core's): 1 s here.
    const fx = authFixture({ limits: { ...limits, login_account: { points: 20, windowSeconds: 1 } } });
    await fx.signup();
    for (let i = 1; i <= 20; i++) expect((await rejection(login(fx, "wrong password", from(i)))).code).toBe("INVALID_CREDENTIALS");
    const victim = await rejection(login(fx, PASSWORD, from(200)));
    expect(victim).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((victim as { retryAfter?: number }).retryAfter).toBeGreaterThan(0);
    // Other accounts are untouched.
    await fx.signup("bob@example.com");
    await expect(login(fx, PASSWORD, from(200), "bob@example.com")).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(login(fx, PASSWORD, from(200))).resolves.toBeDefined();
  });

  it("unknown emails have the same budget, so throttling does not reveal which accounts exist", async () => {
    const fx = authFixture({ limits });
    for (let i = 1; i <= 20; i++) await rejection(login(fx, "wrong password", from(i), "ghost@example.com"));
    expect((await rejection(login(fx, "wrong password", from(21), "ghost@example.com"))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("a successful login refunds only its own reservation, not the attacker's failures", async () => {
    const fx = authFixture({ limits: { ...limits, login_account: { points: 3, windowSeconds: WINDOW } } });
    await fx.signup();
    await rejection(login(fx, "wrong password", from(1)));
    await rejection(login(fx, "wrong password", from(2)));
    await login(fx, PASSWORD, from(3));
    expect((await rejection(login(fx, "wrong password", from(4)))).code).toBe("INVALID_CREDENTIALS");
    expect((await rejection(login(fx, PASSWORD, from(5)))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("is audited once per window, with the number of refusals", async () => {
    const fx = authFixture({ limits });
    await fx.signup();
    for (let i = 1; i <= 20; i++) await rejection(login(fx, "wrong password", from(i)));
    for (let i = 0; i < 30; i++) await rejection(login(fx, PASSWORD, from(100 + i)));
    await fx.auth.maintenance.flushAudit();
    const rows = fx.audit.events.filter((e) => e.type === "rate_limited");
    expect(rows.map((e) => e.detail)).toEqual([{ bucket: "login_account", key: "ada@example.com", count: 30 }]);
    // The next audit window (aligned to multiples of the bucket's duration) gets a row of its own.
    fx.clock.advance(WINDOW * 1000);
    await rejection(login(fx, PASSWORD, from(99)));
    await fx.auth.maintenance.flushAudit();
    expect(fx.audit.events.filter((e) => e.type === "rate_limited").map((e) => e.detail?.count)).toEqual([30, 1]);
  });
});
