import { createQueryLimits } from "../../../src/graphql";
import { ValidatedDocuments } from "../../../src/http/fast-lane";
import { serverSchema } from "../../support/schema";

function documents(introspection: boolean, budget = { characters: 1_000_000, entries: 1000 }) {
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
    const byEntries = documents(true, { characters: 1_000_000, entries: 2 });
    const a = byEntries.get("{ a: __typename }");
    byEntries.get("{ b: __typename }");
    expect(byEntries.get("{ a: __typename }")).toBe(a); // a is now the most recent
    byEntries.get("{ c: __typename }"); // b goes
    expect(byEntries.count).toBe(2);
    expect(byEntries.get("{ a: __typename }")).toBe(a);
    const byCharacters = documents(true, { characters: 40, entries: 1000 });
    byCharacters.get("{ aaaaaaaaaa: __typename }");
    byCharacters.get("{ bbbbbbbbbb: __typename }");
    expect(byCharacters.count).toBe(1);
    byCharacters.get(`{ ${"x".repeat(60)}: __typename }`); // larger than the budget: answered, not kept
    expect(byCharacters.count).toBe(1);
  });
});
