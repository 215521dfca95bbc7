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
