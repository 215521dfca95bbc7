import { codeLabel, OperationNameLabels, oneOf } from "../../src/metrics/label-bounds";

describe("OperationNameLabels", () => {
  it("keeps the first N distinct names, then answers other; known names keep their label", () => {
    const labels = new OperationNameLabels(3);
    expect(["A", "B", "A", "C"].map((n) => labels.label(n))).toEqual(["A", "B", "A", "C"]);
    expect(labels.label("D")).toBe("other");
    expect(labels.label("B")).toBe("B");
    expect(labels.label("E")).toBe("other");
  });

  it("names anonymous operations anonymous, without spending a slot", () => {
    const labels = new OperationNameLabels(1);
    expect([null, undefined, ""].map((n) => labels.label(n))).toEqual(["anonymous", "anonymous", "anonymous"]);
    expect(labels.label("Login")).toBe("Login");
  });

  it.each([
    ["a space", "Log in"],
    ["a quote that would end the label", 'x"} 1\nevil_total{a="'],
    ["a leading digit", "1Login"],
    ["a non-ASCII letter", "Lögin"],
    ["65 characters", "L".repeat(65)],
  ])("answers other for a name with %s, without spending a slot", (_what, name) => {
    const labels = new OperationNameLabels(1);
    expect(labels.label(name)).toBe("other");
    expect(labels.label("Me")).toBe("Me");
  });

  it("accepts a 64-character GraphQL name", () => {
    expect(new OperationNameLabels(1).label(`_${"a1".repeat(31)}Z`)).toBe(`_${"a1".repeat(31)}Z`);
  });
});

describe("codeLabel", () => {
  it("is OK without an error, the code for one the server produces, other for anything else", () => {
    expect(codeLabel(null)).toBe("OK");
    expect(["INVALID_CREDENTIALS", "TOO_MANY_REQUESTS", "GRAPHQL_PARSE_FAILED", "INTERNAL_SERVER_ERROR"].map(codeLabel)).toEqual([
      "INVALID_CREDENTIALS",
      "TOO_MANY_REQUESTS",
      "GRAPHQL_PARSE_FAILED",
      "INTERNAL_SERVER_ERROR",
    ]);
    expect(["", "MADE_UP", "invalid_credentials"].map(codeLabel)).toEqual(["other", "other", "other"]);
  });
});

describe("oneOf", () => {
  it("passes allowed strings and folds everything else into other", () => {
    expect(oneOf("b", ["a", "b"])).toBe("b");
    expect([undefined, null, 3, "c"].map((v) => oneOf(v, ["a", "b"]))).toEqual(["other", "other", "other", "other"]);
  });
});
