import type { RateLimiter } from "../../src/auth";
import { authFixture, CLIENT, rejection } from "../support/auth-fixture";

const PASSWORD = "correct horse battery";
const login = (fx: ReturnType<typeof authFixture>, password: string, client = CLIENT, email = "ada@example.com") =>
  fx.auth.accounts.login({ email, password }, client);
const from = (ip: string) => ({ ...CLIENT, ip });
const rateLimited = (fx: ReturnType<typeof authFixture>) => fx.audit.events.filter((e) => e.type === "rate_limited");

describe("rate limits around credential checks (AttemptGuard)", () => {
  const tight = { login_failures: { points: 5, windowSeconds: 900 } };

  it("after 5 failures for (email, IP) even the right password is refused, with retryAfter", async () => {
    const fx = authFixture({ limits: tight });
    await fx.signup();
    for (let i = 0; i < 5; i++) expect((await rejection(login(fx, "wrong password"))).code).toBe("INVALID_CREDENTIALS");
    const blocked = await rejection(login(fx, PASSWORD));
    expect(blocked).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((blocked as { retryAfter?: number }).retryAfter).toBeGreaterThan(800);
    // Another network is a different pair: not blocked.
    await expect(login(fx, PASSWORD, from("198.51.100.9"))).resolves.toBeDefined();
    expect(rateLimited(fx).map((e) => e.detail)).toEqual([{ bucket: "login_failures", key: "ada@example.com|127.0.0.1", count: 1 }]);
  });

  it("blocking does not cost an argon2 verification", async () => {
    const fx = authFixture({ limits: tight });
    await fx.signup();
    for (let i = 0; i < 5; i++) await rejection(login(fx, "wrong password"));
    const before = fx.hasher.calls.verify + fx.hasher.calls.dummy;
    await rejection(login(fx, PASSWORD));
    expect(fx.hasher.calls.verify + fx.hasher.calls.dummy).toBe(before);
  });

  it("60 concurrent guesses against a budget of 5: at most 5 passwords are ever checked", async () => {
    const fx = authFixture({ limits: tight });
    await fx.signup();
    const before = fx.hasher.calls.verify;
    const guesses = Array.from({ length: 60 }, (_, i) => rejection(login(fx, i === 59 ? PASSWORD : `wrong password ${i}`)));
    const codes = (await Promise.all(guesses)).map((e) => e.code);
    expect(fx.hasher.calls.verify - before).toBe(5);
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(55);
  });

  it("a successful login clears the failure count", async () => {
    const fx = authFixture({ limits: tight });
    await fx.signup();
    for (let i = 0; i < 4; i++) await rejection(login(fx, "wrong password"));
    await login(fx, PASSWORD);
    for (let i = 0; i < 4; i++) expect((await rejection(login(fx, "wrong password"))).code).toBe("INVALID_CREDENTIALS");
    await expect(login(fx, PASSWORD)).resolves.toBeDefined();
  });

  it("an IPv6 client rotating through its /64 stays in one budget; IPv4-mapped is the IPv4 address", async () => {
    const fx = authFixture({ limits: tight });
    await fx.signup();
    for (let i = 1; i <= 5; i++) await rejection(login(fx, "wrong password", from(`2001:db8:aa:bb::${i.toString(16)}`)));
    expect((await rejection(login(fx, PASSWORD, from("2001:db8:aa:bb:dead:beef:1:2")))).code).toBe("TOO_MANY_REQUESTS");
    await expect(login(fx, PASSWORD, from("2001:db8:aa:bc::1"))).resolves.toBeDefined();

    for (let i = 0; i < 5; i++) await rejection(login(fx, "wrong password", from("::ffff:203.0.113.5")));
    expect((await rejection(login(fx, PASSWORD, from("203.0.113.5")))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("unknown emails count too (credential stuffing), and per-IP attempts cap all emails", async () => {
    const fx = authFixture({ limits: { login_ip: { points: 3, windowSeconds: 900 } } });
    for (const n of [1, 2, 3]) expect((await rejection(login(fx, "x-password", CLIENT, `u${n}@example.com`))).code).toBe("INVALID_CREDENTIALS");
    expect((await rejection(login(fx, "x-password", CLIENT, "u4@example.com"))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("limits signup and refresh per IP", async () => {
    const fx = authFixture({ limits: { signup_ip: { points: 1, windowSeconds: 3600 }, refresh_ip: { points: 2, windowSeconds: 60 } } });
    const pair = await fx.signup();
    expect((await rejection(fx.signup("bob@example.com"))).code).toBe("TOO_MANY_REQUESTS");
    const next = await fx.auth.refresh.refresh(pair.refreshToken, CLIENT);
    await fx.auth.refresh.refresh(next.refreshToken, CLIENT);
    expect((await rejection(fx.auth.refresh.refresh(next.refreshToken, CLIENT))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("a wrong current password in changePassword counts toward the login failure budget", async () => {
    const fx = authFixture({ limits: { login_failures: { points: 2, windowSeconds: 900 } } });
    const pair = await fx.signup();
    const viewer = (await fx.auth.viewers.resolve(`Bearer ${pair.accessToken}`)).viewer;
    if (!viewer) throw new Error("expected a viewer");
    const change = (currentPassword: string) =>
      fx.auth.passwords.changePassword(viewer, { currentPassword, newPassword: "another password 1" }, CLIENT);
    expect((await rejection(change("wrong one 1"))).code).toBe("INVALID_CREDENTIALS");
    expect((await rejection(change("wrong one 2"))).code).toBe("INVALID_CREDENTIALS");
    expect((await rejection(change(PASSWORD))).code).toBe("TOO_MANY_REQUESTS");
    expect((await rejection(login(fx, PASSWORD))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("a check that fails for another reason gives its reservations back", async () => {
    const fx = authFixture({ limits: { login_failures: { points: 1, windowSeconds: 900 }, login_account: { points: 1, windowSeconds: 900 } } });
    await fx.signup();
    const verify = fx.hasher.verify.bind(fx.hasher);
    fx.hasher.verify = () => Promise.reject(new Error("hasher crashed"));
    for (let i = 0; i < 3; i++) await expect(login(fx, PASSWORD)).rejects.toThrow("hasher crashed");
    fx.hasher.verify = verify;
    await expect(login(fx, PASSWORD)).resolves.toBeDefined();
  });

  it("when the limit store is down, credential checks fail closed and refresh/signup fail open", async () => {
    const fx = authFixture();
    const pair = await fx.signup();
    const down: RateLimiter = {
      consume: () => Promise.reject(new Error("ECONNREFUSED")),
      refund: () => Promise.reject(new Error("ECONNREFUSED")),
      reset: () => Promise.reject(new Error("ECONNREFUSED")),
    };
    Object.assign(fx.limiter, down);
    expect((await rejection(login(fx, PASSWORD))).code).toBe("SERVICE_UNAVAILABLE");
    await expect(fx.auth.refresh.refresh(pair.refreshToken, CLIENT)).resolves.toBeDefined();
    await expect(fx.signup("bob@example.com")).resolves.toBeDefined();
  });
});
