import { normalizeEmail } from "../../src/auth";

describe("normalizeEmail", () => {
  it("trims and lower-cases", () => {
    expect(normalizeEmail("  Ada.Lovelace+x@Example.CO.uk ")).toBe("ada.lovelace+x@example.co.uk");
  });
  it.each(["", "   ", "plain", "a@b", "a b@example.com", "a@@example.com", `${"a".repeat(250)}@example.com`, "a\u0000@b.co", "\ud800@a.aa"])(
    "rejects %j with BAD_USER_INPUT on field email",
    (raw) => {
      expect(() => normalizeEmail(raw)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "email" }));
    },
  );
});

describe("normalizeEmail: one canonical form per mailbox", () => {
  it("composes the local part (NFC) and lower-cases it, so composed and decomposed é are one address", () => {
    const composed = normalizeEmail("jos\u00e9@example.com");
    expect(normalizeEmail("jose\u0301@example.com")).toBe(composed);
    expect(normalizeEmail("JOSE\u0301@example.com")).toBe(composed);
    expect(composed).toBe("jos\u00e9@example.com");
  });

  it("stores a Unicode domain in its ASCII (punycode) form, whatever its case or spelling", () => {
    expect(normalizeEmail("ada@b\u00fccher.de")).toBe("ada@xn--bcher-kva.de");
    expect(normalizeEmail("ADA@B\u00dcCHER.DE")).toBe("ada@xn--bcher-kva.de");
    expect(normalizeEmail("ada@bu\u0308cher.de")).toBe("ada@xn--bcher-kva.de");
    expect(normalizeEmail("ada@XN--BCHER-KVA.de")).toBe("ada@xn--bcher-kva.de");
  });

  it("maps fullwidth domain letters and dots to ASCII (UTS #46)", () => {
    expect(normalizeEmail("ada@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d")).toBe("ada@example.com");
    expect(normalizeEmail("ada@\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com")).toBe("ada@example.com");
  });

  it("applies the length limit to the canonical form", () => {
    const local = "e\u0301".repeat(120); // 240 code units decomposed, 120 composed
    expect(normalizeEmail(`${local}@example.com`)).toBe(`${"\u00e9".repeat(120)}@example.com`);
    // 128 code units as typed, over 254 once in punycode.
    const label = Array.from({ length: 30 }, (_, i) => String.fromCodePoint(0x4e00 + i * 37)).join("");
    const domain = [label, label, label, label].join(".");
    expect(domain.length).toBeLessThan(254);
    expect(() => normalizeEmail(`a@${domain}.cn`)).toThrow(
      expect.objectContaining({ code: "BAD_USER_INPUT", field: "email" }),
    );
  });

  it.each([
    ["RLO (bidi override)", "ada\u202e@example.com"],
    ["LRI (bidi isolate)", "ada@exa\u2066mple.com"],
    ["LRM", "\u200eada@example.com"],
    ["ZWSP", "ad\u200ba@example.com"],
    ["ZWSP in the domain", "ada@exam\u200bple.com"],
    ["ZWJ", "ad\u200da@example.com"],
    ["ZWNJ", "ad\u200ca@example.com"],
    ["soft hyphen", "ad\u00ada@example.com"],
    ["soft hyphen in the domain (UTS #46 would silently drop it)", "ada@exam\u00adple.com"],
    ["word joiner U+2060", "ad\u2060a@example.com"],
    ["BOM inside", "ad\ufeffa@example.com"],
    ["Hangul filler", "ad\u3164a@example.com"],
    ["variation selector", "ad\ufe0fa@example.com"],
    ["combining grapheme joiner", "ad\u034fa@example.com"],
    ["tag character", "ada\u{e0041}@example.com"],
  ])("refuses an invisible character (%s)", (_name, raw) => {
    expect(() => normalizeEmail(raw)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "email" }));
  });

  it.each(["ada@exa%mple.com", "ada@xn--bcher-2pa.de", "ada@xn--example-i06c.com", "ada@example.123", "ada@exa/mple.com"])(
    "refuses a domain that is not a valid IDNA domain (%j)",
    (raw) => {
      expect(() => normalizeEmail(raw)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "email" }));
    },
  );
});

describe("normalizeEmail: one address means one mailbox to every mail library", () => {
  it.each([
    ["a comma hides a second domain", "attacker@evil.test,.corp.example"],
    ["an angle bracket starts a routed address", "x<attacker@evil.test"],
    ["a comment is dropped by mail parsers", "ceo(x)@corp.example"],
    ["a quoted local part", '"a b"@example.com'],
    ["a colon (group syntax)", "list:a@example.com"],
    ["a semicolon", "a;b@example.com"],
    ["a backslash", "a\\b@example.com"],
    ["a square bracket", "a[b]@example.com"],
    ["leading, trailing and doubled dots", ".a@example.com"],
    ["doubled dots", "a..b@example.com"],
    ["an underscore in the host", "a@ex_ample.com"],
    ["a hyphen at a label's edge", "a@-example.com"],
    ["an address literal", "a@[127.0.0.1]"],
  ])("refuses %s", (_what, address) => {
    expect(() => normalizeEmail(address)).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT", field: "email" }));
  });

  it.each(["o'brien@example.com", "a+tag@example.com", "first.last@sub.example.co.uk", "josé@example.com", "用户@例子.广告", "x{y}|z~!#$%&*=?^`@example.com"])(
    "accepts %s",
    (address) => {
      expect(() => normalizeEmail(address)).not.toThrow();
    },
  );
});
