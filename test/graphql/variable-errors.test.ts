import { buildSchema, graphql } from "graphql";
import { sanitizeVariableError } from "../../src/graphql/errors/variable-errors";

const schema = buildSchema(`
  input L { email: String! password: String! }
  type Query { x(i: L!): String, y(n: Int!): String }
`);

async function messageFor(source: string, variableValues: Record<string, unknown>): Promise<string> {
  const result = await graphql({ schema, source, variableValues });
  const message = result.errors?.[0]?.message;
  if (!message) throw new Error("expected a variable error");
  return message;
}

describe("sanitizeVariableError (against graphql-js's real messages)", () => {
  const secret = "hunter2-secret-pw";

  it.each([
    ["missing field", { i: { password: secret } }, { field: "email", message: /missing required field "email"/ }],
    ["wrong type", { i: { email: 1, password: secret } }, { field: "email", message: /invalid value at "i.email"/ }],
    ["unknown field", { i: { email: "a", password: "p", extra: secret } }, { field: "extra", message: /unknown field "extra"/ }],
    ["not an object", { i: secret }, { field: "i", message: /invalid value for its type/ }],
  ])("%s: keeps the structure, drops the value", async (_name, variables, expected) => {
    const raw = await messageFor("query($i: L!) { x(i: $i) }", variables);
    const clean = sanitizeVariableError(raw);
    expect(clean?.field).toBe(expected.field);
    expect(clean?.message).toMatch(expected.message);
    expect(clean?.message).not.toContain(secret);
  });

  it("the raw graphql-js message does echo the value (why this exists)", async () => {
    expect(await messageFor("query($i: L!) { x(i: $i) }", { i: { password: secret } })).toContain(secret);
  });

  it("scalar variables: the value is dropped", async () => {
    const clean = sanitizeVariableError(await messageFor("query($n: Int!) { y(n: $n) }", { n: secret }));
    expect(clean).toEqual({ field: "n", message: 'Variable "$n" has an invalid value for its type.' });
  });

  it("leaves messages that print no value alone", async () => {
    expect(sanitizeVariableError(await messageFor("query($n: Int!) { y(n: $n) }", {}))).toBeNull();
  });
});
