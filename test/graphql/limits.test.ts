import { buildSchema, graphql, parse, specifiedRules, validate } from "graphql";
import { createQueryLimits, MAX_ALIASES, withoutSuggestions } from "../../src/graphql/limits";

const schema = buildSchema(`
  enum Role { USER ADMIN }
  input In { email: String! }
  type Query { me: String, mine: String, my: String, user(role: Role, input: In): String }
`);

async function firstMessage(source: string, variableValues?: Record<string, unknown>): Promise<string> {
  const result = await graphql({ schema, source, ...(variableValues ? { variableValues } : {}) });
  const message = result.errors?.[0]?.message;
  if (!message) throw new Error("expected an error");
  return message;
}

describe("withoutSuggestions (against graphql-js's real messages)", () => {
  it.each([
    ["a field", "{ mi }", 'Cannot query field "mi" on type "Query".'],
    ["an argument", "{ user(rol: USER) }", 'Unknown argument "rol" on field "Query.user".'],
    ["an enum literal", "{ user(role: ADMN) }", 'Value "ADMN" does not exist in "Role" enum.'],
    ["a type", "query($i: Inn) { user(input: $i) }", 'Unknown type "Inn".'],
  ])("%s: drops the hint, keeps the rest", async (_what, source, expected) => {
    const raw = await firstMessage(source);
    expect(raw).toMatch(/Did you mean/); // control: graphql-js did suggest something
    expect(withoutSuggestions(raw)).toBe(expected);
  });

  it("an enum variable value ('Did you mean the enum value …')", async () => {
    const raw = await firstMessage("query($r: Role) { user(role: $r) }", { r: "ADMN" });
    expect(raw).toMatch(/Did you mean the enum value "ADMIN"\?/);
    expect(withoutSuggestions(raw)).not.toMatch(/Did you mean|ADMIN/);
  });

  it("leaves messages without a suggestion alone", () => {
    expect(withoutSuggestions('Cannot query field "zzz" on type "Query".')).toBe('Cannot query field "zzz" on type "Query".');
  });
});

describe("createQueryLimits", () => {
  const { validationRules } = createQueryLimits({ hideSuggestions: true });
  const check = (source: string) => validate(schema, parse(source), [...specifiedRules, ...validationRules]);

  it("reports a violation as a validation error instead of throwing", () => {
    const aliases = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `a${i}: me`).join(" ");
    const errors = check(`{ ${aliases} }`);
    expect(errors.map((e) => e.message)).toEqual(["Aliases limit of 15 exceeded, found 16."]);
  });

  it("counts an operation's limits through fragments", () => {
    const spreads = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `...F${i}`).join(" ");
    const fragments = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `fragment F${i} on Query { f${i}: me }`).join(" ");
    expect(check(`{ ${spreads} } ${fragments}`).map((e) => e.message)).toEqual(["Aliases limit of 15 exceeded, found 16."]);
  });
});
