import { bearerMatches, isLoopback, metricsRefusal, tokenDigest } from "../../src/http/metrics-access";

const TOKEN = "m3tr1cs-".repeat(5);
const DIGEST = tokenDigest(Buffer.from(TOKEN));

describe("isLoopback", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "::FFFF:127.0.0.2"])("%s is loopback", (address) => expect(isLoopback(address)).toBe(true));
  it.each([undefined, "", "192.0.2.2", "10.0.0.1", "::ffff:192.0.2.2", "fd00::2", "::", "0.0.0.0", "128.0.0.1", "1127.0.0.1", "127.0.0.1.evil", "::2"])(
    "%s is not",
    (address) => expect(isLoopback(address)).toBe(false),
  );
});

describe("bearerMatches", () => {
  it("accepts the token after Bearer, in any case of the scheme", () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, DIGEST)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, DIGEST)).toBe(true);
  });

  it.each([
    ["no header", undefined],
    ["another scheme", `Basic ${TOKEN}`],
    ["the bare token", TOKEN],
    ["a prefix of the token", `Bearer ${TOKEN.slice(0, -1)}`],
    ["the token and more", `Bearer ${TOKEN}x`],
    ["two tokens", `Bearer ${TOKEN} ${TOKEN}`],
    ["an empty token", "Bearer "],
  ])("refuses %s", (_what, header) => expect(bearerMatches(header, DIGEST)).toBe(false));
});

describe("metricsRefusal", () => {
  describe("without METRICS_TOKEN", () => {
    it("serves a loopback peer", () => {
      expect(metricsRefusal("127.0.0.1", {}, null)).toBeNull();
      expect(metricsRefusal("::ffff:127.0.0.1", {}, null)).toBeNull();
    });

    it("refuses any other peer, whatever its headers claim", () => {
      expect(metricsRefusal("192.0.2.2", {}, null)).toBe("not_loopback");
      expect(metricsRefusal("192.0.2.2", { "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1" }, null)).toBe("not_loopback");
      expect(metricsRefusal(undefined, {}, null)).toBe("not_loopback");
    });

    it.each([["x-forwarded-for", "203.0.113.9"], ["forwarded", "for=203.0.113.9"], ["x-real-ip", "203.0.113.9"]])(
      "refuses a loopback peer that relayed a request (%s)",
      (header, value) => expect(metricsRefusal("127.0.0.1", { [header]: value }, null)).toBe("proxied"),
    );

    it("ignores a presented token: there is none to match", () => {
      expect(metricsRefusal("127.0.0.1", { authorization: `Bearer ${TOKEN}` }, null)).toBeNull();
    });
  });

  describe("with METRICS_TOKEN", () => {
    it("serves whoever presents it, from anywhere, relayed or not", () => {
      expect(metricsRefusal("192.0.2.2", { authorization: `Bearer ${TOKEN}` }, DIGEST)).toBeNull();
      expect(metricsRefusal("127.0.0.1", { authorization: `Bearer ${TOKEN}`, "x-forwarded-for": "203.0.113.9" }, DIGEST)).toBeNull();
    });

    it("requires it from loopback too (behind a same-host proxy every request is loopback)", () => {
      expect(metricsRefusal("127.0.0.1", {}, DIGEST)).toBe("token_missing");
      expect(metricsRefusal("::1", { authorization: "Bearer wrong" }, DIGEST)).toBe("token_wrong");
    });
  });
});
