import { createQueryLimits } from "../../../src/graphql";
import { ValidatedDocuments } from "../../../src/http/fast-lane";
import { serverSchema } from "../../support/schema";

function documents(introspection: boolean, budget?: { tokens: number; entries: number }) {
  const limits = createQueryLimits({ hideSuggestions: true });
  return new ValidatedDocuments(
    { schema: serverSchema(), parseOptions: limits.parseOptions, validationRules: limits.validationRules, validationOptions: limits.validationOptions, introspection },
    budget,
  );
}

describe("ValidatedDocuments", () => {
  it("gives the same parsed document for the same text, and null for what does not parse or validate", () => {
    const kept = documents(false);
    const first = kept.get("{ me { id } }");
    expect(first).not.toBeNull();
    expect(kept.get("{ me { id } }")).toBe(first);
    expect(kept.get("{ me { id ")).toBeNull();
    expect(kept.get("{ mee { id } }")).toBeNull();
    expect(kept.get(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(" ")} }`)).toBeNull();
  });

  it("refuses __schema and __type without introspection, never __typename", () => {
    expect(documents(false).get("{ __schema { queryType { name } } }")).toBeNull();
    expect(documents(false).get('{ __type(name: "User") { name } }')).toBeNull();
    expect(documents(false).get("{ __typename }")).not.toBeNull();
    expect(documents(true).get("{ __schema { queryType { name } } }")).not.toBeNull();
  });

  it("holds the document parse limit (tokens) as Apollo does", () => {
    const huge = `{ ${Array.from({ length: 1100 }, () => "__typename").join(" ")} }`;
    expect(documents(true).get(huge)).toBeNull();
  });

  it("forgets the least recently used first, by entries and by characters", () => {
    const byEntries = documents(true, { tokens: 1_000_000, entries: 2 });
    const a = byEntries.get("{ a: __typename }");
    byEntries.get("{ b: __typename }");
    expect(byEntries.get("{ a: __typename }")).toBe(a); // a is now the most recent
    byEntries.get("{ c: __typename }"); // b goes
    expect(byEntries.count).toBe(2);
    expect(byEntries.get("{ a: __typename }")).toBe(a);
    // By weight: "{ aN: __typename }" is 7 tokens with start and end of file, plus 1 for its 18 characters.
    const byTokens = documents(true, { tokens: 17, entries: 1000 });
    byTokens.get("{ a1: __typename }");
    byTokens.get("{ a2: __typename }");
    expect(byTokens.count).toBe(2);
    byTokens.get("{ a3: __typename }");
    expect(byTokens.count).toBe(2);
    byTokens.get(`{ ${Array.from({ length: 10 }, (_, i) => `x${i}: __typename`).join(" ")} }`); // heavier than the budget: answered, not kept
    expect(byTokens.count).toBe(2);
  });

  it("weighs a document by its tokens and text: 606 tokens in 6,611 characters (619) fill the default budget (25,000) at 40", () => {
    const kept = documents(true);
    // 600 fields, `query`, the name, two braces, start and end of file: 606 tokens.
    const big = (i: number) => `query Q${i} { ${Array.from({ length: 600 }, () => "__typename").join(" ")} }`;
    for (let i = 0; i < 60; i++) expect(kept.get(big(i))).not.toBeNull();
    expect(kept.count).toBe(40);
  });

  it("weighs one long token by its text: valid documents with a 60 KiB comment fill the budget at 183", () => {
    const kept = documents(true);
    const long = (i: number) => `{ a${i}: __typename @include(if: true) # ${"x".repeat(60 * 1024)}\n }`;
    for (let i = 0; i < 300; i++) expect(kept.get(long(i))).not.toBeNull();
    expect(kept.count).toBe(183);
  });
});
